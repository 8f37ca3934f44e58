package dev.vigil.importer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Whether a word is an IP address literal; never a name lookup (a literal is parsed, nothing else is tried). */
public final class Ip {
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private static final Pattern INTERFACE = Pattern.compile("[^\\s/]{1,15}");

    private Ip() {}

    /** A network interface name as the cluster file takes one (at most 15 characters, no blanks or '/'). */
    public static boolean interfaceName(String s) {
        return INTERFACE.matcher(s).matches();
    }

    public static boolean literal(String s) {
        if (V4.matcher(s).matches()) return true;
        if (!V6.matcher(s).matches()) return false;
        try {
            InetAddress.getByName(s); // an IPv6 literal: parsed, no lookup
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An IP literal a node can be reached at: not multicast, not the wildcard. */
    public static boolean unicast(String s) {
        if (!literal(s)) return false;
        try {
            var a = InetAddress.getByName(s);
            return !a.isMulticastAddress() && !a.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** An address a node may have in the cluster file: a unicast IP literal or a host name. */
    public static boolean addressOrHost(String s) {
        return unicast(s) || (!literal(s) && HOST.matcher(s).matches() && !s.matches("[\\d.]+"));
    }
}
