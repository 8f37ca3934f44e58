package dev.vigil.importer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * YAML flow style for the values of a generated cluster file ({@code {name: ha1, address: 10.0.0.48}}),
 * the style of the examples in docs/cluster-file.md. Strings are left plain only when no YAML
 * reader could take them for anything else; the rest are double-quoted.
 */
public final class Flow {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/][A-Za-z0-9_./@+-]*");
    /** {@code ocf:vigil:IPaddr}: colons between words, never read as a number (YAML 1.1's 1:20 is 80) or a key. */
    private static final Pattern AGENT = Pattern.compile("[A-Za-z][A-Za-z0-9_.+-]*(:[A-Za-z0-9_.+@-]+)+");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

    private Flow() {}

    /** A String, Number, Boolean, List or Map (kept in its order) as one line of flow YAML. */
    public static String render(Object value) {
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + ": " + render(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Flow::render).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return scalar(String.valueOf(value));
    }

    /** A string, double-quoted unless plain is unambiguous. */
    public static String scalar(String s) {
        if ((PLAIN.matcher(s).matches() || AGENT.matcher(s).matches()) && !RESERVED.contains(s.toLowerCase(java.util.Locale.ROOT))) {
            return s;
        }
        var b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\x%02x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
