package dev.vigil.coordination;

import dev.vigil.config.ClusterConfig;
import dev.vigil.membership.MembershipView;
import dev.vigil.quorum.Quorum;
import dev.vigil.quorum.QuorumPolicy;
import dev.vigil.resources.LocalResourceManager;
import dev.vigil.scheduler.AdminState;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What this node knows of the cluster and works with, shared by the rooms of coordination (the
 * loop in {@link Coordination}, {@link FollowerRole}, {@link CoordinatorRole}, {@link NodeFencing},
 * {@link OperatorRequests}). A plain holder, not an object with rules of its own: each field keeps
 * the meaning and the thread it had as a field of Coordination. Everything is read and written on
 * the coordination thread only, except {@link #heard} (written by the heartbeat receiver).
 */
final class ClusterKnowledge {
    final String self;
    final long incarnation;
    final LocalResourceManager lrm;
    final BooleanSupplier pingOk;
    final Clock wallClock;
    final Clock monotonic;
    /** When the coordination started (initdead counts from here); set before its thread starts. */
    Instant startedAt;
    /** Queues work for the coordination thread (results of local operations and fencing). */
    final Consumer<Runnable> post;
    final OperatorStateFile adminFile;
    /** The operations, fences and events this node keeps (issue 18, item 6). */
    final ClusterHistory history;

    ClusterConfig config;
    QuorumPolicy quorumPolicy;
    MembershipView view;
    final Map<String, NodeReport> reports = new HashMap<>();
    final Map<String, Directive> directives = new HashMap<>();
    final Set<String> lost = new HashSet<>();
    /** When each node in {@link #lost} was declared dead, by the monotonic clock: the watchdog rule counts from it. */
    final Map<String, Instant> lostAt = new HashMap<>();
    final Set<String> cleanlyLeft = new HashSet<>();
    final Set<String> fenced = new HashSet<>();
    AdminState admin;
    volatile Quorum quorum = new Quorum(false, "not yet known");
    /** The quorum is one no other partition can hold now (ArbitratedQuorum.exclusive): the watchdog rule's condition. */
    volatile boolean exclusiveQuorum;
    /** The attributes agents set with crm_attribute / crm_master: this node's, and what it learnt of the others'. */
    NodeAttributes attributes;
    /** When each peer was last heard (every heartbeat carries its report), by the monotonic clock. */
    final Map<String, Instant> heard = new ConcurrentHashMap<>();

    ClusterKnowledge(String self, long incarnation, ClusterConfig config, LocalResourceManager lrm,
                     BooleanSupplier pingOk, Clock wallClock, Clock monotonic, Consumer<Runnable> post,
                     OperatorStateFile adminFile, ClusterHistory history) {
        this.self = self;
        this.incarnation = incarnation;
        this.config = config;
        this.lrm = lrm;
        this.pingOk = pingOk;
        this.wallClock = wallClock;
        this.monotonic = monotonic;
        this.post = post;
        this.adminFile = adminFile;
        this.history = history;
        this.quorumPolicy = QuorumPolicy.of(config);
        this.startedAt = monotonic.instant();
    }

    /** Persists {@link #admin} if it changed since it was last written. */
    void saveAdmin() {
        adminFile.save(admin);
    }

    /** First configured node among the members: every node of a partition agrees without talking. */
    String coordinatorOf(MembershipView v) {
        return config.nodeNames().stream().filter(v.members()::containsKey).findFirst().orElse(self);
    }
}
