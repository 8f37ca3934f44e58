package dev.vigil.playbook;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code flags} type: one alternative of each declared set ({@code choices: ["ro|rw",
 * "sync|async"]}), given comma-separated in any order ({@code async,rw}) and substituted in the
 * sets' order ({@code rw,async}), so that a template gets one spelling whatever the order typed.
 * A set the value does not name takes its first alternative, as an option left out of exports(5)
 * takes its default: a recipe lists the default first.
 */
public final class Flags {
    private Flags() {}

    /** The declared sets, each as its alternatives: {@code "rw|ro"} gives {@code [rw, ro]}. */
    public static List<List<String>> sets(List<String> choices) {
        return choices.stream().map(c -> List.of(c.split("\\|"))).toList();
    }

    /** What a declaration's {@code choices} must satisfy for type flags, or empty. */
    static Optional<String> declarationProblem(List<String> choices) {
        if (choices.isEmpty()) return Optional.of("needs `choices`: one entry per set, its alternatives separated by |, e.g. [\"rw|ro\", \"sync|async\"]");
        var seen = new ArrayList<String>();
        for (var set : sets(choices)) {
            for (String a : set) {
                if (!a.matches("[A-Za-z0-9_=.:-]+")) return Optional.of("choice '" + a + "' must be letters, digits, '_', '=', '.', ':' or '-'");
                if (seen.contains(a)) return Optional.of("choice '" + a + "' is in two sets");
                seen.add(a);
            }
        }
        return Optional.empty();
    }

    static List<String> given(String v) {
        return v.isBlank() ? List.of() : Arrays.asList(v.strip().split("\\s*,\\s*"));
    }

    static Optional<String> problem(String v, List<String> choices) {
        var sets = sets(choices);
        var given = given(v);
        for (String g : given) {
            if (sets.stream().noneMatch(s -> s.contains(g))) {
                return Optional.of("'" + g + "' is not one of " + String.join(", ", sets.stream().flatMap(List::stream).toList()));
            }
        }
        for (var set : sets) {
            var chosen = given.stream().filter(set::contains).toList();
            if (chosen.size() > 1) return Optional.of("gives " + String.join(" and ", chosen) + ": choose one of " + String.join(", ", set));
        }
        return Optional.empty();
    }

    /** The value with one alternative per set (its first where none is named), in the sets' order; a value with a problem as given. */
    static String normalize(String v, List<String> choices) {
        if (problem(v, choices).isPresent()) return v;
        return String.join(",", sets(choices).stream().map(s -> chosen(v, s)).toList());
    }

    /** The alternative of {@code set} that {@code value} gives, or the set's first when it gives none. */
    public static String chosen(String value, List<String> set) {
        return given(value).stream().filter(set::contains).findFirst().orElse(set.get(0));
    }

    /** {@code value} with set {@code index}'s alternative moved {@code step} along (wrapping), the others kept. */
    public static String cycle(String value, List<String> choices, int index, int step) {
        var sets = sets(choices);
        var out = new ArrayList<String>();
        for (int i = 0; i < sets.size(); i++) {
            var set = sets.get(i);
            String c = chosen(value, set);
            out.add(i == index ? set.get(Math.floorMod(set.indexOf(c) + step, set.size())) : c);
        }
        return String.join(",", out);
    }
}
