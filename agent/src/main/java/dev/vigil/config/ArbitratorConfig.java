package dev.vigil.config;

import java.time.Duration;

/**
 * {@code arbitrator:} in the cluster file: the quorum arbitrator on a third machine this
 * cluster's nodes ask for its vote (docs/arbitrator.md).
 *
 * @param host       the arbitrator's host name or address
 * @param port       its TCP port
 * @param key        the key shared with the arbitrator (its {@code clusters:} entry names the same file's content)
 * @param algorithm  how it picks the partition that gets its vote
 * @param tieBreaker {@code lowest} (the partition with the node first in {@code nodes:}), {@code highest}
 *                   (the last), or a node's name
 * @param lease      how long one vote lasts unless renewed; the nodes renew every third of it
 */
public record ArbitratorConfig(String host, int port, java.nio.file.Path keyFile, ClusterKey key, Algorithm algorithm,
                               String tieBreaker, Duration lease) {

    public static final int DEFAULT_PORT = 7696;
    /** Below this a renewal every third of the lease would race ordinary network delays. */
    public static final Duration MIN_LEASE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MIN_LEASE = Duration.ofSeconds(2);

    /** corosync-qnetd's two algorithms, with the votes they give (docs/arbitrator.md, "Algorithms"). */
    public enum Algorithm {
        /** Fifty-fifty split: one vote, to one partition. */
        FFSPLIT("ffsplit"),
        /** Last man standing: as many votes as the nodes have, minus one, so one node with it is a majority. */
        LMS("lms");

        private final String word;

        Algorithm(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Algorithm of(String word) {
            for (var a : values()) {
                if (a.word.equals(word)) return a;
            }
            throw new IllegalArgumentException("unknown algorithm " + word);
        }
    }

    /** The arbitrator's votes in a cluster whose nodes have {@code nodeVotes} in all. */
    public int votes(int nodeVotes) {
        return algorithm == Algorithm.LMS ? Math.max(1, nodeVotes - 1) : 1;
    }

    /** The default lease: deadtime, but at least 2 s. */
    public static Duration defaultLease(Timing timing) {
        return timing.deadtime().compareTo(DEFAULT_MIN_LEASE) > 0 ? timing.deadtime() : DEFAULT_MIN_LEASE;
    }

    @Override
    public String toString() {
        return "arbitrator " + host + ":" + port + " (" + algorithm.word() + ", tie_breaker " + tieBreaker + ", lease "
                + lease.toMillis() + "ms)";
    }
}
