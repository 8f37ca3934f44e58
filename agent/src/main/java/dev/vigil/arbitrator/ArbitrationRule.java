package dev.vigil.arbitrator;

import dev.vigil.config.ArbitratorConfig.Algorithm;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which partition of one cluster gets the arbitrator's vote: a pure function of what the connected
 * nodes claim, what the arbitrator has already let each of them believe, and the time. The rules
 * (docs/arbitrator.md, "Algorithms"):
 * <ol>
 *   <li>A partition is the set of members a node claims. When the claims of connected nodes
 *       disagree (a node is in another's claimed partition but claims a different one), a
 *       membership change is under way: nobody new gets the vote, every node is told to WAIT.</li>
 *   <li>Otherwise the winner is the partition with the most nodes; among equals, the one chosen
 *       before keeps it while it stays connected (ffsplit's stickiness: no flapping when a node
 *       comes back alone); then the tie-breaker: {@code lowest} = the partition holding the node
 *       first in the cluster file, {@code highest} = the last, or the partition holding the named
 *       node (lowest when that node is in none). {@code lms} picks the same way; it differs in how
 *       many votes the arbitrator has, which the nodes count (see {@code ArbitratorConfig#votes}).</li>
 *   <li>The winner's nodes get GRANT only once every node outside it has no permission left: no
 *       GRANT or WAIT it was given is still running. Until then they get WAIT. Every other node
 *       gets REFUSE. So at no moment do two partitions both believe they hold the vote.</li>
 * </ol>
 */
public final class ArbitrationRule {
    private ArbitrationRule() {}

    public enum Verdict { GRANT, WAIT, REFUSE }

    /**
     * What one connected node says.
     *
     * @param members   its current membership view (itself included)
     * @param nodeOrder every configured node in file order (the tie-breaker reads it)
     */
    public record Claim(String node, Set<String> members, List<String> nodeOrder, Algorithm algorithm,
                        String tieBreaker) {
        public Claim {
            members = Set.copyOf(members);
            nodeOrder = List.copyOf(nodeOrder);
        }
    }

    /**
     * @param verdicts   per connected node
     * @param chosen     the partition chosen now (or still, while claims disagree); empty when none
     * @param grantableAt when the chosen partition may be granted the vote (the last permission outside it ends)
     * @param why        in words, for the log and the nodes' status
     */
    public record Decision(Map<String, Verdict> verdicts, Optional<Set<String>> chosen, Instant grantableAt,
                           String why) {}

    /**
     * @param claims  connected nodes' latest claims, by node
     * @param permits node → until when it may still believe a GRANT or WAIT it was given (in the arbitrator's time)
     * @param chosen  the partition chosen last time, if any
     */
    public static Decision decide(Map<String, Claim> claims, Map<String, Instant> permits, Optional<Set<String>> chosen,
                                  Instant now) {
        var verdicts = new LinkedHashMap<String, Verdict>();
        var disagreement = disagreement(claims);
        if (disagreement.isPresent()) {
            claims.keySet().forEach(n -> verdicts.put(n, Verdict.WAIT));
            return new Decision(verdicts, chosen, now, "membership changing: " + disagreement.get());
        }
        var partitions = new LinkedHashSet<Set<String>>();
        claims.values().forEach(c -> partitions.add(c.members()));
        if (partitions.isEmpty()) return new Decision(verdicts, chosen, now, "no node connected");
        Claim any = claims.values().stream().min(Comparator.comparing(Claim::node)).orElseThrow();
        Set<String> winner = partitions.stream().max(Comparator
                .comparingInt((Set<String> p) -> p.size())
                .thenComparing(p -> chosen.isPresent() && chosen.get().equals(p))
                .thenComparingInt(p -> tieRank(p, any.nodeOrder(), any.tieBreaker()))).orElseThrow();
        Instant grantableAt = now;
        for (var e : permits.entrySet()) {
            if (!winner.contains(e.getKey()) && e.getValue().isAfter(grantableAt)) grantableAt = e.getValue();
        }
        boolean grant = !grantableAt.isAfter(now);
        for (var c : claims.values()) {
            verdicts.put(c.node(), !winner.equals(c.members()) ? Verdict.REFUSE : grant ? Verdict.GRANT : Verdict.WAIT);
        }
        String why = (partitions.size() == 1 ? "the only partition " : "of " + partitions.size() + " partitions, ")
                + sorted(winner, any.nodeOrder()) + reason(winner, partitions, chosen, any)
                + (grant ? "" : "; waits until the vote other nodes held runs out in "
                        + java.time.Duration.between(now, grantableAt).toMillis() + " ms");
        return new Decision(verdicts, Optional.of(winner), grantableAt, why);
    }

    private static String reason(Set<String> winner, Set<Set<String>> partitions, Optional<Set<String>> chosen, Claim any) {
        if (partitions.size() == 1) return "";
        long sameSize = partitions.stream().filter(p -> p.size() == winner.size()).count();
        if (sameSize == 1) return " has the most nodes (" + winner.size() + ")";
        if (chosen.isPresent() && chosen.get().equals(winner)) return " already had the vote and is still connected";
        return " wins the tie (tie_breaker " + any.tieBreaker() + ")";
    }

    /** Higher is better. */
    private static int tieRank(Set<String> partition, List<String> order, String tieBreaker) {
        int lowest = Integer.MAX_VALUE;
        int highest = -1;
        for (var n : partition) {
            int i = order.indexOf(n);
            if (i < 0) i = order.size(); // not configured here: after every configured node
            lowest = Math.min(lowest, i);
            highest = Math.max(highest, i);
        }
        return switch (tieBreaker) {
            case "highest" -> highest;
            case "lowest" -> -lowest;
            default -> partition.contains(tieBreaker) ? Integer.MAX_VALUE : -lowest;
        };
    }

    /** A connected node in another's claimed partition that claims something else. */
    private static Optional<String> disagreement(Map<String, Claim> claims) {
        for (var c : claims.values()) {
            for (var m : c.members()) {
                var other = claims.get(m);
                if (other != null && !other.members().equals(c.members())) {
                    return Optional.of(c.node() + " claims " + sorted(c.members(), c.nodeOrder()) + ", " + m + " claims "
                            + sorted(other.members(), c.nodeOrder()));
                }
            }
        }
        return Optional.empty();
    }

    static List<String> sorted(Set<String> nodes, List<String> order) {
        var l = new ArrayList<>(nodes);
        l.sort(Comparator.comparingInt((String n) -> order.indexOf(n) < 0 ? Integer.MAX_VALUE : order.indexOf(n))
                .thenComparing(n -> n));
        return l;
    }
}
