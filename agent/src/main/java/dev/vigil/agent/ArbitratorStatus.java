package dev.vigil.agent;

import dev.vigil.arbitrator.ArbitratorClient;
import dev.vigil.control.StatusReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/** The arbitrator's part of {@code vigil status}: what this node's client last heard. */
final class ArbitratorStatus {
    private ArbitratorStatus() {}

    static StatusReport.ArbitratorReport of(ArbitratorClient client, int nodeVotes, Set<String> members,
                                             List<String> nodeOrder, Instant now) {
        var a = client.config();
        var v = client.vote();
        long left = Math.max(0, Duration.between(now, v.validUntil()).toMillis());
        boolean counts = v.partition().equals(members) && left > 0;
        var refused = new LinkedHashMap<String, Long>();
        client.counters().snapshot().forEach((r, n) -> refused.put(r.word(), n));
        var partition = nodeOrder.stream().filter(v.partition()::contains).toList();
        return new StatusReport.ArbitratorReport(a.host() + ":" + a.port(), a.algorithm().word(), a.tieBreaker(),
                a.votes(nodeVotes), a.lease().toMillis(), v.connected(), v.verdict().name().toLowerCase(),
                v.grants(members, now), partition, counts && v.verdict() != dev.vigil.quorum.ArbitratorVote.Verdict.REFUSED
                        ? left : 0, v.detail(), refused);
    }
}
