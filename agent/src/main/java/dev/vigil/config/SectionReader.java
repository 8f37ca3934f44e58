package dev.vigil.config;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The shared reader of YAML shape and errors that every section reader of the cluster file
 * extends: typed access to maps, lists and scalars, the values several sections share
 * (durations, scores, parameter maps, node names), and the recording of every problem at
 * its line:column instead of throwing, so that one pass reports every mistake in the file.
 *
 * <p>All section readers of one pass write into one list of problems: a section reader is
 * made from another ({@link #SectionReader(SectionReader)}) and shares its list. Problems at
 * the same position keep the order they were found in, so the order in which
 * {@link ClusterFileReader} calls the sections is part of the output.
 */
abstract class SectionReader {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    // No '#': it is reserved for the suffix that disambiguates default link names.
    static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9_.:/@-]{1,64}");
    static final Pattern INTERFACE = Pattern.compile("[^\\s/]{1,15}");
    // Resource parameters reach OCF agents as the shell variables OCF_RESKEY_<name>.
    static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    // Fence parameters are key=value lines on the agent's stdin (fence-agents use '_' and '-').
    static final Pattern FENCE_PARAM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    /** Every problem found in this pass so far, in the order found; one list for all sections. */
    final List<LocatedYaml.Problem> errors;

    /** Starts a pass with an empty list of problems. */
    SectionReader() {
        this.errors = new ArrayList<>();
    }

    /** A reader for another section of the same pass: it records into {@code shared}'s list. */
    SectionReader(SectionReader shared) {
        this.errors = shared.errors;
    }

    final void error(Pos pos, String message) {
        errors.add(new LocatedYaml.Problem(pos, message));
    }

    // ---- shapes: maps, lists and scalars

    Optional<Integer> intIn(Node v, String what, int min, int max, String expected) {
        Optional<BigInteger> n = integer(v, what, expected);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        if (n.get().compareTo(BigInteger.valueOf(min)) < 0 || n.get().compareTo(BigInteger.valueOf(max)) > 0) {
            error(v.pos(), what + " must be " + expected + ", got " + n.get());
            return Optional.empty();
        }
        return Optional.of(n.get().intValue());
    }

    Optional<String> name(Node v, String what, Pattern pattern) {
        String expected = pattern == NAME ? "1 to 64 letters, digits, '_', '.' or '-'"
                : pattern == LINK_NAME ? "1 to 64 letters, digits, '_', '.', ':', '/', '@' or '-'"
                : "a network interface name such as eth1 (at most 15 characters, no spaces or '/')";
        Optional<String> s = string(v, what, expected);
        if (s.isPresent() && !pattern.matcher(s.get()).matches()) {
            error(v.pos(), what + " `" + s.get() + "` is not valid; use " + expected);
            return Optional.empty();
        }
        return s;
    }

    Optional<MapNode> map(Node n, String what, String expected) {
        if (n instanceof MapNode m) {
            return Optional.of(m);
        }
        wrongType(n, what, expected);
        return Optional.empty();
    }

    Optional<ListNode> list(Node n, String what, String expected) {
        if (n instanceof ListNode l) {
            return Optional.of(l);
        }
        wrongType(n, what, expected);
        return Optional.empty();
    }

    /** Any non-null scalar: YAML would make `name: 1` a number and `name: on` a boolean. */
    Optional<String> string(Node n, String what, String expected) {
        if (n instanceof Scalar s && !s.reported() && s.token() != JsonToken.VALUE_NULL) {
            return Optional.of(s.text());
        }
        wrongType(n, what, expected);
        return Optional.empty();
    }

    Optional<BigInteger> integer(Node n, String what, String expected) {
        if (n instanceof Scalar s && !s.reported() && s.token() == JsonToken.VALUE_NUMBER_INT) {
            return Optional.of(s.integer());
        }
        wrongType(n, what, expected);
        return Optional.empty();
    }

    void wrongType(Node n, String what, String expected) {
        if (n instanceof Scalar s && s.reported()) {
            return;
        }
        error(n.pos(), what + " must be " + expected + ", got " + describe(n));
    }

    Optional<Entry> required(MapNode m, String key, String where, String hint) {
        Optional<Entry> e = m.entry(key);
        if (e.isEmpty()) {
            error(m.pos(), "missing required key `" + key + "` in " + where + ": " + hint);
        }
        return e;
    }

    void checkKeys(MapNode m, String where, List<String> valid) {
        for (Entry e : m.entries()) {
            if (!valid.contains(e.key())) {
                String guess = valid.stream().filter(k -> editDistance(k, e.key()) <= 2).findFirst()
                        .map(k -> " (did you mean `" + k + "`?)").orElse("");
                error(e.keyPos(), "unknown key `" + e.key() + "` in " + where + guess + "; valid keys: "
                        + String.join(", ", valid));
            }
        }
    }

    Optional<Boolean> bool(Node v, String what) {
        if (v instanceof Scalar s && !s.reported()
                && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
            return Optional.of(s.token() == JsonToken.VALUE_TRUE);
        }
        wrongType(v, what, "true or false");
        return Optional.empty();
    }

    <E extends Enum<E>> Optional<E> enumValue(Node v, String what, E[] values, Function<E, String> name) {
        String valid = Arrays.stream(values).map(name).collect(Collectors.joining(" | "));
        Optional<String> s = string(v, what, valid);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Optional<E> e = Arrays.stream(values).filter(x -> name.apply(x).equals(s.get())).findFirst();
        if (e.isEmpty()) {
            error(v.pos(), "unknown " + what + " `" + s.get() + "`; valid values: " + valid);
        }
        return e;
    }

    // ---- values that several sections share

    Optional<Duration> duration(Node v, String what) {
        String expected = "a duration such as 200ms, 1s, 1.5s or 2m (a bare number means seconds)";
        Optional<String> text = string(v, what, expected);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> d = Durations.parse(text.get());
        if (d.isEmpty()) {
            error(v.pos(), what + " must be " + expected + ", got `" + text.get() + "`");
        }
        return d;
    }

    Optional<Duration> positiveDuration(Node v, String what) {
        Optional<Duration> d = duration(v, what);
        if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
            error(v.pos(), what + " must be longer than 0, e.g. 20s");
            return Optional.empty();
        }
        return d;
    }

    /** A resource's or group's {@code priority}: what its node is worth in a fence race (priority_fencing_delay). */
    Optional<Integer> priority(Node v) {
        return intIn(v, "priority", 0, 1_000_000, "an integer from 0 to 1000000");
    }

    Optional<Integer> score(Node v, String what) {
        String expected = "an integer from -1000000 to 1000000, INFINITY or -INFINITY";
        if (v instanceof Scalar s && !s.reported() && s.token() == JsonToken.VALUE_STRING) {
            switch (s.text().trim()) {
                case "INFINITY", "+INFINITY":
                    return Optional.of(Constraint.INFINITY);
                case "-INFINITY":
                    return Optional.of(-Constraint.INFINITY);
                default:
                    error(v.pos(), what + " must be " + expected + ", got `" + s.text() + "`");
                    return Optional.empty();
            }
        }
        return intIn(v, what, -Constraint.INFINITY, Constraint.INFINITY, expected);
    }

    /** Values as written: YAML would turn {@code port: 80} into a number and {@code on} into a boolean. */
    Optional<Map<String, String>> params(Node v, String what, Pattern keyPattern) {
        Optional<MapNode> pm = map(v, what, "a map of names to values such as {ip: 10.0.0.46, cidr_netmask: 24}");
        if (pm.isEmpty()) {
            return Optional.empty();
        }
        int before = errors.size();
        var params = new LinkedHashMap<String, String>();
        for (Entry e : pm.get().entries()) {
            if (!keyPattern.matcher(e.key()).matches()) {
                error(e.keyPos(), what + " name `" + e.key() + "` is not valid; use "
                        + (keyPattern == PARAM_NAME ? "letters, digits and '_', not starting with a digit "
                        + "(agents read it as the variable OCF_RESKEY_" + "name)"
                        : "letters, digits, '_' and '-'"));
                continue;
            }
            Optional<String> value = string(e.value(), "the value of " + e.key(),
                    "a single value such as 10.0.0.46, 24 or true");
            if (value.isPresent() && (value.get().indexOf('\0') >= 0
                    || (keyPattern != PARAM_NAME && (value.get().indexOf('\n') >= 0
                    || value.get().indexOf('\r') >= 0)))) {
                error(e.value().pos(), "the value of " + e.key() + " must not contain "
                        + (keyPattern == PARAM_NAME ? "a NUL character" : "a line break or NUL character"));
                continue;
            }
            value.ifPresent(s -> params.putIfAbsent(e.key(), s));
        }
        return errors.size() == before ? Optional.of(params) : Optional.empty();
    }

    Optional<String> node(Node v, String what, Optional<? extends Set<String>> knownNodes) {
        Optional<String> n = string(v, what, "a node name");
        if (n.isPresent() && knownNodes.isPresent() && !knownNodes.get().contains(n.get())) {
            error(v.pos(), "unknown node `" + n.get() + "` in " + what + "; " + known("nodes", knownNodes.get()));
            return Optional.empty();
        }
        return n;
    }

    static String known(String what, Set<String> names) {
        return names.isEmpty() ? "there are no " + what + " in this file"
                : what + " in this file: " + String.join(", ", names);
    }

    // ---- text helpers

    static String describe(Node n) {
        if (n instanceof MapNode) return "a map";
        if (n instanceof ListNode) return "a list";
        Scalar s = (Scalar) n;
        return switch (s.token()) {
            case VALUE_NULL -> "nothing";
            case VALUE_NUMBER_INT -> "the integer " + s.text();
            case VALUE_NUMBER_FLOAT -> "the number " + s.text();
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + s.text();
            default -> "the string `" + s.text() + "`";
        };
    }

    /** Parses an IP address without ever asking DNS, unlike {@link InetAddress#getByName}. */
    static Optional<InetAddress> ipLiteral(String s) {
        try {
            if (IPV4.matcher(s).matches()) {
                String[] parts = s.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = (byte) Integer.parseInt(parts[i]);
                }
                return Optional.of((Inet4Address) InetAddress.getByAddress(b));
            }
            if (s.contains(":") && !s.contains("[") && !s.contains("]")) {
                // Brackets make getByName insist on an IPv6 literal instead of falling back to DNS.
                return Optional.of(InetAddress.getByName("[" + s + "]"));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** RFC 1123 syntax; an all-digit last label would be a mistyped IPv4 address, not a name. */
    static boolean isHostName(String s) {
        if (!HOSTNAME.matcher(s).matches()) {
            return false;
        }
        String[] labels = s.split("\\.");
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
