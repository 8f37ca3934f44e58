package dev.vigil.playbook;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The values of a run's {@code secret} variables, and the one place they are hidden: the engine
 * passes every result through {@link #mask(Report.StepResult)} before anyone (the report, the
 * progress view, a listener, the JSON) sees it, so no step type has to think of it.
 *
 * @param values the secret values, longest first (a secret that contains another is hidden whole)
 */
public record Secrets(List<String> values) {
    /** What a secret is shown as. */
    public static final String MASK = "********";

    public static final Secrets NONE = new Secrets(List.of());

    public Secrets {
        values = values.stream().filter(v -> !v.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** The values of the variables {@code pb} declares {@code secret}, as {@code values} gives them. */
    public static Secrets of(Playbook pb, Map<String, String> values) {
        return new Secrets(pb.vars().values().stream().filter(d -> d.type() == VarType.SECRET)
                .map(d -> values.get(d.name())).filter(v -> v != null).toList());
    }

    /** {@code text} with every secret value replaced by {@link #MASK}. */
    public String mask(String text) {
        String t = text;
        for (String v : values) t = t.replace(v, MASK);
        return t;
    }

    /** The result with every secret value in its name, message and diff replaced by {@link #MASK}. */
    public Report.StepResult mask(Report.StepResult r) {
        if (values.isEmpty()) return r;
        return new Report.StepResult(mask(r.name()), r.type(), r.status(), mask(r.message()), mask(r.diff()));
    }
}
