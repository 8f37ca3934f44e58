package dev.vigil.quorum;

import java.time.Instant;
import java.util.Set;

/**
 * What this node last heard from the quorum arbitrator (docs/arbitrator.md). Times are on the
 * node's monotonic clock; a vote counts only for the membership it was asked for and only until
 * {@code validUntil}, which is counted from when the question was sent, so the node stops believing
 * it before the arbitrator stops counting it.
 *
 * @param configured the cluster file has {@code arbitrator:}
 * @param connected  the sealed connection is up now
 * @param verdict    the last answer
 * @param partition  the membership the answer was for
 * @param validUntil until when a GRANTED or WAITING answer counts
 * @param since      when this partition's unbroken run of GRANTED answers began
 * @param algorithm  ffsplit or lms
 * @param detail     the arbitrator's reason, or why the connection failed
 */
public record ArbitratorVote(boolean configured, boolean connected, Verdict verdict, Set<String> partition,
                             Instant validUntil, Instant since, String algorithm, String detail) {

    public enum Verdict { NONE, GRANTED, WAITING, REFUSED }

    public static final ArbitratorVote NOT_CONFIGURED = new ArbitratorVote(false, false, Verdict.NONE, Set.of(),
            Instant.EPOCH, Instant.EPOCH, "", "");

    public ArbitratorVote {
        partition = Set.copyOf(partition);
    }

    /** The same answer, counting until {@code until}. */
    public ArbitratorVote withUntil(Instant until) {
        return new ArbitratorVote(configured, connected, verdict, partition, until, since, algorithm, detail);
    }

    /** This node's partition {@code members} holds the arbitrator's vote now. */
    public boolean grants(Set<String> members, Instant now) {
        return verdict == Verdict.GRANTED && partition.equals(members) && now.isBefore(validUntil);
    }

    /** The arbitrator asked this partition to hold still while it decides. */
    public boolean waits(Set<String> members, Instant now) {
        return verdict == Verdict.WAITING && partition.equals(members) && now.isBefore(validUntil);
    }
}
