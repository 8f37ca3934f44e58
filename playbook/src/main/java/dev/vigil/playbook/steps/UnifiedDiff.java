package dev.vigil.playbook.steps;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff ({@code diff -u}) of two texts, 3 lines of context. The longest common
 * subsequence is computed on what is left after the common head and tail are cut; when that middle
 * is too large for it (more than {@link #MAX_CELLS} cells), the whole middle is shown as removed
 * and added, which is still a correct diff, only a longer one.
 */
public final class UnifiedDiff {
    static final long MAX_CELLS = 4_000_000;
    private static final int CONTEXT = 3;

    private UnifiedDiff() {}

    private record Line(char op, String text, int oldNo, int newNo) {}

    /** Empty when the texts are equal. */
    public static String diff(String label, String before, String after) {
        if (before.equals(after)) return "";
        List<String> a = lines(before);
        List<String> b = lines(after);
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) head++;
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) tail++;
        var ops = new ArrayList<Line>();
        for (int i = 0; i < head; i++) ops.add(new Line(' ', a.get(i), i, i));
        middle(a, b, head, a.size() - tail, head, b.size() - tail, ops);
        for (int k = tail; k > 0; k--) ops.add(new Line(' ', a.get(a.size() - k), a.size() - k, b.size() - k));
        return render(label, ops, before, after);
    }

    private static void middle(List<String> a, List<String> b, int a0, int a1, int b0, int b1, List<Line> ops) {
        int n = a1 - a0;
        int m = b1 - b0;
        if ((long) n * m > MAX_CELLS) {
            for (int i = a0; i < a1; i++) ops.add(new Line('-', a.get(i), i, -1));
            for (int j = b0; j < b1; j++) ops.add(new Line('+', b.get(j), -1, j));
            return;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(a0 + i).equals(b.get(b0 + j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(a0 + i).equals(b.get(b0 + j))) {
                ops.add(new Line(' ', a.get(a0 + i), a0 + i, b0 + j));
                i++;
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add(new Line('-', a.get(a0 + i), a0 + i, -1));
                i++;
            } else {
                ops.add(new Line('+', b.get(b0 + j), -1, b0 + j));
                j++;
            }
        }
    }

    private static String render(String label, List<Line> ops, String before, String after) {
        var sb = new StringBuilder();
        sb.append("--- ").append(label).append('\n').append("+++ ").append(label).append('\n');
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).op() == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - CONTEXT);
            int end = k;
            // Extend the hunk while changes are within 2*CONTEXT lines of each other.
            int lastChange = k;
            while (end < ops.size()) {
                if (ops.get(end).op() != ' ') lastChange = end;
                else if (end - lastChange > 2 * CONTEXT) break;
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            int oldStart = -1;
            int newStart = -1;
            int oldCount = 0;
            int newCount = 0;
            for (int x = start; x < end; x++) {
                Line l = ops.get(x);
                if (l.op() != '+') {
                    if (oldStart < 0) oldStart = l.oldNo();
                    oldCount++;
                }
                if (l.op() != '-') {
                    if (newStart < 0) newStart = l.newNo();
                    newCount++;
                }
            }
            sb.append("@@ -").append(range(oldStart, oldCount, ops, start, true)).append(" +")
                    .append(range(newStart, newCount, ops, start, false)).append(" @@\n");
            for (int x = start; x < end; x++) {
                sb.append(ops.get(x).op()).append(ops.get(x).text()).append('\n');
            }
            k = end;
        }
        if (!before.isEmpty() && !before.endsWith("\n") || !after.isEmpty() && !after.endsWith("\n")) {
            sb.append("\\ No newline at end of file (before or after)\n");
        }
        return sb.toString();
    }

    /** diff's "start,count", where an empty side names the line before it (0 for the top). */
    private static String range(int start, int count, List<Line> ops, int hunkStart, boolean old) {
        if (count == 0) {
            int before = 0;
            for (int x = 0; x < hunkStart; x++) {
                if (old ? ops.get(x).op() != '+' : ops.get(x).op() != '-') before++;
            }
            return before + ",0";
        }
        return (start + 1) + (count == 1 ? "" : "," + count);
    }

    static List<String> lines(String text) {
        var out = new ArrayList<String>();
        if (text.isEmpty()) return out;
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            if (nl < 0) {
                out.add(text.substring(from));
                break;
            }
            out.add(text.substring(from, nl));
            from = nl + 1;
        }
        return out;
    }
}
