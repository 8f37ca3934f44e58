package dev.vigil.arbitrator;

import dev.vigil.arbitrator.ArbitrationRule.Verdict;
import dev.vigil.config.ArbitratorConfig.Algorithm;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The arbitrator protocol's two messages, inside sealed frames: lines of {@code key=value} after a
 * first line naming the message. Small on purpose: one question, one answer, every third of a lease.
 */
final class ArbitratorMessages {
    static final String HELLO_PREFIX = "vigil-arbitrator/1 ";
    static final int MAX_FRAME = 8 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private ArbitratorMessages() {}

    /** What a node asks: the vote for its membership {@code members}. */
    record Question(long seq, Set<String> members, List<String> nodeOrder, Algorithm algorithm, String tieBreaker,
                    Duration lease) {}

    /** What the arbitrator answers to question {@code seq}. */
    record Answer(long seq, Verdict verdict, List<String> chosen, String why) {}

    static byte[] hello(String cluster, String node) {
        return (HELLO_PREFIX + cluster + " " + node).getBytes(StandardCharsets.UTF_8);
    }

    /** {cluster, node} from a hello, or null when it is not one. */
    static String[] parseHello(byte[] hello) {
        String s = new String(hello, StandardCharsets.UTF_8);
        if (!s.startsWith(HELLO_PREFIX)) return null;
        String[] parts = s.substring(HELLO_PREFIX.length()).split(" ");
        if (parts.length != 2 || !NAME.matcher(parts[0]).matches() || !NAME.matcher(parts[1]).matches()) return null;
        return parts;
    }

    static byte[] encode(Question q) {
        return text("question", Map.of("seq", Long.toString(q.seq()), "members", String.join(",", q.members()),
                "nodes", String.join(",", q.nodeOrder()), "algorithm", q.algorithm().word(),
                "tie_breaker", q.tieBreaker(), "lease_ms", Long.toString(q.lease().toMillis())));
    }

    static byte[] encode(Answer a) {
        return text("answer", Map.of("seq", Long.toString(a.seq()), "verdict", a.verdict().name(),
                "chosen", String.join(",", a.chosen()), "why", a.why().replace('\n', ' ')));
    }

    static Question question(byte[] frame) {
        var f = fields(frame, "question");
        var members = names(f.get("members"));
        var lease = Duration.ofMillis(Long.parseLong(f.get("lease_ms")));
        if (members.isEmpty() || lease.toMillis() < 1 || lease.toMinutes() > 10) {
            throw new IllegalArgumentException("a question without members or with a lease out of range");
        }
        String tie = f.get("tie_breaker");
        if (!NAME.matcher(tie).matches()) throw new IllegalArgumentException("bad tie_breaker");
        return new Question(Long.parseLong(f.get("seq")), Set.copyOf(members), names(f.get("nodes")),
                Algorithm.of(f.get("algorithm")), tie, lease);
    }

    static Answer answer(byte[] frame) {
        var f = fields(frame, "answer");
        return new Answer(Long.parseLong(f.get("seq")), Verdict.valueOf(f.get("verdict")), names(f.get("chosen")),
                f.getOrDefault("why", ""));
    }

    private static List<String> names(String csv) {
        if (csv == null) throw new IllegalArgumentException("a list is missing");
        if (csv.isEmpty()) return List.of();
        var l = Arrays.asList(csv.split(","));
        for (var n : l) {
            if (!NAME.matcher(n).matches()) throw new IllegalArgumentException("not a node name: " + n);
        }
        return List.copyOf(l);
    }

    private static byte[] text(String kind, Map<String, String> fields) {
        var sb = new StringBuilder(kind).append('\n');
        new java.util.TreeMap<>(fields).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> fields(byte[] frame, String kind) {
        String[] lines = new String(frame, StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].equals(kind)) throw new IllegalArgumentException("not a " + kind);
        var m = new LinkedHashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int eq = lines[i].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("not key=value: " + lines[i]);
            m.put(lines[i].substring(0, eq), lines[i].substring(eq + 1));
        }
        for (var k : m.keySet()) {
            if (m.get(k) == null) throw new IllegalArgumentException("missing " + k);
        }
        return m;
    }
}
