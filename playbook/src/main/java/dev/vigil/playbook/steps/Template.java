package dev.vigil.playbook.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{ var }}} templates, the only template language of this release: a variable's value is
 * substituted as text; there are no filters, conditions or loops (Jinja's are not planned here).
 * Names may be dotted: facts are {@code {{facts.os_family}}} ({@link Facts}).
 * {@code {{} and {@code }}} are not escapable; a file that needs them literally should not be a template.
 */
public final class Template {
    /** A name, or a dotted one for facts ({@code facts.os_family}, {@code facts.ipv4.eth0.100}). */
    private static final Pattern REF = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_][A-Za-z0-9_.:-]*)?)\\s*}}");

    private Template() {}

    /** A variable reference, or a malformed {@code {{...}}} (then {@code name} is null and {@code problem} says why). */
    public record Ref(String name, int offset, String problem) {}

    /** Every reference in {@code text}, in order, malformed ones included. */
    public static List<Ref> refs(String text) {
        var out = new ArrayList<Ref>();
        int i = 0;
        while ((i = text.indexOf("{{", i)) >= 0) {
            Matcher m = REF.matcher(text);
            if (m.find(i) && m.start() == i) {
                out.add(new Ref(m.group(1), i, null));
                i = m.end();
            } else {
                int close = text.indexOf("}}", i);
                String inner = close < 0 ? text.substring(i) : text.substring(i, close + 2);
                out.add(new Ref(null, i, close < 0 ? "`{{` is never closed with `}}`"
                        : "`" + inner + "` is not a variable reference; write {{ name }}"));
                i = close < 0 ? text.length() : close + 2;
            }
        }
        return out;
    }

    /**
     * @throws IllegalArgumentException for an undefined variable or a malformed reference; the
     *         reader refuses both before anything runs, so this only guards against a caller that skipped it
     */
    public static String render(String text, Map<String, String> values) {
        var sb = new StringBuilder();
        int last = 0;
        for (Ref r : refs(text)) {
            if (r.name() == null) throw new IllegalArgumentException(r.problem());
            String v = values.get(r.name());
            if (v == null) {
                throw new IllegalArgumentException(r.name().startsWith(Facts.PREFIX)
                        ? "this host has no fact `" + r.name() + "`" : "undefined variable `" + r.name() + "`");
            }
            Matcher m = REF.matcher(text);
            m.find(r.offset());
            sb.append(text, last, r.offset()).append(v);
            last = m.end();
        }
        return sb.append(text.substring(last)).toString();
    }
}
