package dev.vigil.playbook;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The types a playbook variable may declare. Each checks a value given as text (from a default, a
 * vars file or a wizard's form) and says what is wrong with it in words an operator understands.
 */
public enum VarType {
    STRING, INT, BOOL, IP, CIDR, PORT, PATH, DURATION, NODE, NODES, CHOICE,
    /**
     * Who may mount an export, as exports(5) and nfs-ganesha's {@code Clients} name them: one or
     * more of {@code *}, a host name, a wildcard name ({@code *.example.com}, {@code ha?.lan}), an
     * address, a network ({@code 10.0.0.0/24} or {@code 10.0.0.0/255.255.255.0}), {@code @netgroup};
     * separated by commas or spaces (or a YAML list). In templates: comma-separated.
     */
    CLIENTS,
    /**
     * One of each of several sets, e.g. export options: {@code choices} lists the sets, each as its
     * alternatives separated by {@code |} ({@code "rw|ro"}). The value names one alternative of every
     * set, separated by commas, in any order; in templates: comma-separated, in the sets' order.
     */
    FLAGS,
    /**
     * Any non-empty text, like {@code string}, whose value Vigil never shows: the engine replaces it
     * by {@link Secrets#MASK} in every result it reports, and no error message quotes it.
     */
    SECRET;

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern INT_TEXT = Pattern.compile("[-+]?\\d{1,18}");
    private static final Pattern DURATION_TEXT = Pattern.compile("\\d{1,9}(ms|s|m|h)");
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** The name as written in a playbook: {@code string}, {@code int}, ... */
    public String yamlName() {
        return name().toLowerCase();
    }

    public static Optional<VarType> of(String name) {
        for (var t : values()) {
            if (t.yamlName().equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /**
     * @param value   the value as text; for {@code nodes}, names separated by commas or spaces
     * @param decl    the declaration, for choices, min/max and pattern
     * @return empty when the value is valid, else why not
     */
    public Optional<String> problem(String value, VarDecl decl) {
        String v = value.strip();
        Optional<String> p = switch (this) {
            case STRING -> Optional.empty();
            case INT -> INT_TEXT.matcher(v).matches() ? range(Long.parseLong(v), decl)
                    : Optional.of("must be an integer, got '" + value + "'");
            case BOOL -> List.of("true", "false", "yes", "no").contains(v.toLowerCase()) ? Optional.empty()
                    : Optional.of("must be true or false, got '" + value + "'");
            case IP -> isIp(v) ? Optional.empty() : Optional.of("must be an IPv4 or IPv6 address, got '" + value + "'");
            case CIDR -> cidr(v, value);
            case PORT -> INT_TEXT.matcher(v).matches() && Long.parseLong(v) >= 1 && Long.parseLong(v) <= 65535
                    ? Optional.empty() : Optional.of("must be a port number from 1 to 65535, got '" + value + "'");
            case PATH -> v.startsWith("/") && !v.contains("\0") && v.length() <= 4096 ? Optional.empty()
                    : Optional.of("must be an absolute path (starting with /), got '" + value + "'");
            case DURATION -> DURATION_TEXT.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be a duration such as 500ms, 30s, 5m or 2h, got '" + value + "'");
            case NODE -> NODE_NAME.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be a node name (letters, digits, '_', '.', '-'), got '" + value + "'");
            case NODES -> nodes(v, value);
            case CHOICE -> decl.choices().contains(v) ? Optional.empty()
                    : Optional.of("must be one of " + String.join(", ", decl.choices()) + ", got '" + value + "'");
            case SECRET -> v.isEmpty() ? Optional.of("must not be empty") : Optional.empty();
            case CLIENTS -> Clients.problem(v, value);
            case FLAGS -> Flags.problem(v, decl.choices());
        };
        if (p.isEmpty() && decl.pattern().isPresent() && !decl.pattern().get().matcher(v).matches()) {
            // An error message is printed: a secret's value is not quoted in it.
            return Optional.of("must match the pattern " + decl.pattern().get().pattern()
                    + (this == SECRET ? " (the value given does not; a secret is not shown)" : ", got '" + value + "'"));
        }
        return p;
    }

    /** The value as a template substitutes it: booleans as true/false, node lists space-separated. */
    public String normalize(String value) {
        return normalize(value, null);
    }

    /** As {@link #normalize(String)}; a {@code flags} value needs its declaration to be put in its sets' order. */
    public String normalize(String value, VarDecl decl) {
        String v = value.strip();
        return switch (this) {
            case BOOL -> String.valueOf(v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
            case NODES -> String.join(" ", v.split("[,\\s]+"));
            case CLIENTS -> String.join(",", Clients.split(v));
            case FLAGS -> decl == null ? v : Flags.normalize(v, decl.choices());
            case STRING, SECRET -> value;
            default -> v;
        };
    }

    private static Optional<String> range(long n, VarDecl decl) {
        if (decl.min().isPresent() && n < decl.min().get()) {
            return Optional.of("must be at least " + decl.min().get() + ", got " + n);
        }
        if (decl.max().isPresent() && n > decl.max().get()) {
            return Optional.of("must be at most " + decl.max().get() + ", got " + n);
        }
        return Optional.empty();
    }

    static boolean isIp(String v) {
        if (IPV4.matcher(v).matches()) return true;
        if (!v.contains(":") || !IPV6.matcher(v).matches()) return false;
        try {
            // A literal only (the pattern admits no letters beyond hex digits): no name lookup.
            return java.net.InetAddress.getByName(v) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static Optional<String> cidr(String v, String value) {
        int slash = v.indexOf('/');
        String bad = "must be an address with a prefix length such as 10.0.0.0/24, got '" + value + "'";
        if (slash < 0) return Optional.of(bad);
        String addr = v.substring(0, slash);
        String len = v.substring(slash + 1);
        if (!isIp(addr) || !len.matches("\\d{1,3}")) return Optional.of(bad);
        int max = addr.contains(":") ? 128 : 32;
        return Integer.parseInt(len) <= max ? Optional.empty()
                : Optional.of("prefix length must be at most " + max + ", got '" + value + "'");
    }

    private static Optional<String> nodes(String v, String value) {
        if (v.isEmpty()) return Optional.of("must name at least one node");
        for (String n : v.split("[,\\s]+")) {
            if (!NODE_NAME.matcher(n).matches()) {
                return Optional.of("must be node names separated by commas or spaces, got '" + value + "'");
            }
        }
        return Optional.empty();
    }
}
