package dev.vigil.coordination;

import java.util.Collection;
import java.util.Comparator;

/** "Did you mean …?" for an id an operator mistyped: the closest known one, if it is close enough. */
public final class Suggest {
    private Suggest() {}

    /**
     * {@code "; did you mean 'www'?"}, or empty when nothing is close: at most a third of the
     * longer word's letters (and at least one) may differ, so "wwww" finds "www" and "db" does not find "ha1".
     */
    public static String didYouMean(String given, Collection<String> known) {
        return closest(given, known).map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    /** The one closest known id; empty when none is close or several are equally close ("ha9" among ha1..ha3). */
    public static java.util.Optional<String> closest(String given, Collection<String> known) {
        if (given == null || given.isEmpty()) return java.util.Optional.empty();
        var close = known.stream().distinct()
                .filter(k -> distance(given.toLowerCase(), k.toLowerCase()) <= Math.max(1, Math.max(given.length(), k.length()) / 3))
                .sorted(Comparator.comparingInt(k -> distance(given.toLowerCase(), k.toLowerCase())))
                .toList();
        if (close.isEmpty()) return java.util.Optional.empty();
        int best = distance(given.toLowerCase(), close.get(0).toLowerCase());
        if (close.size() > 1 && distance(given.toLowerCase(), close.get(1).toLowerCase()) == best) return java.util.Optional.empty();
        return java.util.Optional.of(close.get(0));
    }

    /** Edit distance with adjacent transpositions counted as one edit ("wbe" is one from "web"). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        int[] before = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    cur[j] = Math.min(cur[j], before[j - 2] + 1);
                }
            }
            int[] t = before;
            before = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
