package dev.vigil.playbook;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code clients} type: who may mount an NFS export, in the forms exports(5) and nfs-ganesha's
 * {@code Clients} share. Checked by shape only: a name is never looked up (a wizard must not hang
 * on DNS, and the name may resolve only where the server runs).
 */
final class Clients {
    /** A host name or a wildcard one: labels of letters, digits, '-', with '*' and '?' as wildcards. */
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9*?]([A-Za-z0-9*?-]{0,61}[A-Za-z0-9*?])?(\\.[A-Za-z0-9*?]([A-Za-z0-9*?-]{0,61}[A-Za-z0-9*?])?)*");
    private static final Pattern NETGROUP = Pattern.compile("@[A-Za-z0-9_.-]{1,64}");
    private static final Pattern LOOKS_NUMERIC = Pattern.compile("[0-9.]+");
    /** More would be no longer one export's client list but a job for a netgroup. */
    static final int LIMIT = 64;

    private Clients() {}

    static List<String> split(String v) {
        return v.isBlank() ? List.of() : List.of(v.strip().split("[,\\s]+"));
    }

    static Optional<String> problem(String v, String value) {
        var all = split(v);
        if (all.isEmpty()) return Optional.of("must name at least one client (* for everyone)");
        if (all.size() > LIMIT) return Optional.of("names " + all.size() + " clients, at most " + LIMIT + " (use a network or a @netgroup)");
        for (String c : all) {
            var p = one(c);
            if (p.isPresent()) return Optional.of("'" + c + "' " + p.get() + (all.size() > 1 ? " (in '" + value + "')" : ""));
        }
        return Optional.empty();
    }

    /** Why one client spec is not one, or empty. */
    static Optional<String> one(String c) {
        if (c.equals("*") || NETGROUP.matcher(c).matches() || VarType.isIp(c)) return Optional.empty();
        if (c.startsWith("@")) return Optional.of("is not a netgroup (@ and letters, digits, '_', '.', '-')");
        int slash = c.indexOf('/');
        if (slash >= 0) {
            String mask = c.substring(slash + 1);
            if (mask.contains(".") && VarType.isIp(c.substring(0, slash))) {
                return contiguous(mask) ? Optional.empty() : Optional.of("has a netmask that is not one (such as 255.255.255.0)");
            }
            return VarType.cidr(c, c).map(x -> "is not a network such as 10.0.0.0/24 or 10.0.0.0/255.255.255.0");
        }
        if (LOOKS_NUMERIC.matcher(c).matches()) return Optional.of("is not an IPv4 address");
        if (c.contains(":")) return Optional.of("is not an IPv6 address");
        return HOST.matcher(c).matches() ? Optional.empty()
                : Optional.of("is not a client: *, a host name, a wildcard (*.example.com), an address, a network or @netgroup");
    }

    private static boolean contiguous(String mask) {
        if (!VarType.isIp(mask) || mask.contains(":")) return false;
        long bits = 0;
        for (String octet : mask.split("\\.")) bits = bits << 8 | Integer.parseInt(octet);
        long inverted = ~bits & 0xffffffffL;
        // a netmask is ones then zeros: its complement plus one is a power of two
        return ((inverted + 1) & inverted) == 0;
    }
}
