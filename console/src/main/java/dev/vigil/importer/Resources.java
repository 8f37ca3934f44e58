package dev.vigil.importer;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Resource and group ids for imported resources: readable ({@code ip-10.0.0.46}, {@code fs-ha}),
 * within the cluster file's id alphabet, and never the same twice.
 */
public final class Resources {
    private final Set<String> used = new HashSet<>();

    /** {@code wanted} cleaned to {@code [A-Za-z0-9_.-]}, with -2, -3… when it is taken. */
    public String id(String wanted) {
        String base = wanted.replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty()) base = "r";
        if (base.length() > 60) base = base.substring(0, 60);
        String id = base;
        for (int n = 2; !used.add(id); n++) id = base + "-" + n;
        return id;
    }

    /**
     * A floating IP as Vigil's own {@code ocf:vigil:IPaddr} takes it; {@code netmask} may be a
     * prefix length or a dotted mask (heartbeat's IPaddr took both); null parts are left out.
     */
    public static Map<String, Object> ipParams(String ip, String netmask, String nic, String broadcast) {
        return Draft.ordered("ip", ip, "cidr_netmask", prefix(netmask), "nic", blankToNull(nic),
                "broadcast", blankToNull(broadcast));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String prefix(String mask) {
        if (mask == null || mask.isBlank()) return null;
        if (!mask.contains(".")) return mask;
        String[] p = mask.split("\\.");
        if (p.length != 4) return mask;
        long bits = 0;
        try {
            for (String part : p) bits = (bits << 8) | Integer.parseInt(part);
        } catch (NumberFormatException e) {
            return mask;
        }
        int len = Long.bitCount(bits);
        long expected = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        return bits == expected ? String.valueOf(len) : mask;
    }
}
