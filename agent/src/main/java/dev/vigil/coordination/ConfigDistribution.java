package dev.vigil.coordination;

import dev.vigil.config.AtomicFile;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.NodeConfig;
import dev.vigil.heartbeat.Extension;
import dev.vigil.heartbeat.ExtensionTypes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster file as shared state. Every heartbeat announces the sender's configuration version;
 * a node that runs a newer one than some member sends its file along, one chunk per heartbeat,
 * until that member announces the new version. The receiver checks the SHA-256, validates the
 * text exactly as {@code vigil config check} would, persists it atomically (temp file, fsync,
 * rename) in its state directory, and adopts it. On start the agent takes the newer of its
 * {@code --config} file and the persisted copy, so a node that was down catches up, and a torn
 * file can never be loaded.
 *
 * <p>Newest wins: a higher version, or at equal versions the higher digest, so two operators who
 * applied different files with the same version on two nodes still end with one file everywhere
 * (and the CLI of the one that lost says so). Every heartbeat also carries the sender's version
 * and digest ({@link ExtensionTypes#CONFIG_DIGEST}): a member that runs the same version with a
 * lower digest counts as behind and is sent the winning file, and {@link #spread} tells an
 * operator's apply whether its own file is the one every member runs. An operator's apply needs
 * a version higher than the one this node runs, checked under the same lock that adopts it, so
 * of two racing applies of one version at most one is told it succeeded (see docs/cli.md).
 *
 * <p>An apply that would split the cluster is refused: a new cluster name, a new key, or a node
 * list that keeps no majority of the old one's votes. Those need every agent stopped (see
 * docs/cluster-file.md, "Changes that need every agent stopped").
 */
public final class ConfigDistribution {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDistribution.class);
    public static final String PERSISTED_FILE = "cluster.yaml";
    /** Chunk payload per heartbeat: with the packet header and a report, well inside one datagram. */
    static final int CHUNK_BYTES = 640;
    static final int MAX_FILE_BYTES = 256 * 1024;
    private static final int HEADER_BYTES = 8 + 32 + 4 + 4;

    private final String self;
    private final Path stateDir;
    private final Consumer<ClusterConfig> onAdopt;
    private volatile Running running;
    private final Map<String, Long> peerVersions = new ConcurrentHashMap<>();
    private volatile Set<String> members = Set.of();
    private int nextChunk;
    private Assembly assembly;
    private final Set<String> rejected = ConcurrentHashMap.newKeySet();
    /**
     * A state directory that cannot be written (a full disk) fails again with every heartbeat
     * that completes the offered version: one "cannot persist" line per interval, with a count.
     */
    static final java.time.Duration PERSIST_FAILURE_LOG_INTERVAL = java.time.Duration.ofMinutes(1);
    private volatile dev.vigil.time.LogRateLimiter persistFailureLog =
            new dev.vigil.time.LogRateLimiter(java.time.Clock.systemUTC(), PERSIST_FAILURE_LOG_INTERVAL);
    /** The version and digest (its first {@link #DIGEST_PREFIX} bytes) each peer last announced; absent for an agent too old to send them. */
    private final Map<String, Announced> peerDigests = new ConcurrentHashMap<>();

    private record Announced(long version, byte[] sha) {}

    private record Running(ClusterConfig config, byte[] text, byte[] sha) {}

    private static final class Assembly {
        final long version;
        final byte[] sha;
        final byte[] data;
        final boolean[] have;
        int missing;

        Assembly(long version, byte[] sha, int total) {
            this.version = version;
            this.sha = sha;
            this.data = new byte[total];
            this.have = new boolean[(total + CHUNK_BYTES - 1) / CHUNK_BYTES];
            this.missing = have.length;
        }
    }

    public ConfigDistribution(String self, Path stateDir, ClusterConfig initial, Consumer<ClusterConfig> onAdopt) {
        this.self = self;
        this.stateDir = stateDir;
        this.onAdopt = onAdopt;
        var text = initial.text().getBytes(StandardCharsets.UTF_8);
        this.running = new Running(initial, text, sha256(text));
    }

    /**
     * The configuration an agent should start with: the persisted copy if it is newer than the
     * file given on the command line (a node that was down while the cluster moved on), else the file.
     */
    public static ClusterConfig newest(ClusterConfig fromFile, Path stateDir) {
        var persisted = stateDir.resolve(PERSISTED_FILE);
        if (!Files.isRegularFile(persisted)) return fromFile;
        try {
            var stored = ConfigLoader.load(persisted);
            if (stored.version() > fromFile.version()) {
                LOG.warn("{} has version {}, but the cluster distributed version {} (kept in {}): using that",
                        fromFile.source(), fromFile.version(), stored.version(), persisted);
                return stored;
            }
        } catch (ConfigException e) {
            LOG.error("ignoring the distributed configuration in {}: {}", persisted, e.getMessage());
        }
        return fromFile;
    }

    public ClusterConfig current() {
        return running.config();
    }

    public long version() {
        return running.config().version();
    }

    public String digest() {
        return HexFormat.of().formatHex(running.sha());
    }

    /** The members of the current view: only they are waited for and sent to. */
    public void onView(Set<String> members) {
        this.members = Set.copyOf(members);
        peerVersions.keySet().retainAll(members);
        peerDigests.keySet().retainAll(members);
    }

    /** The version a peer announced in its latest heartbeat. */
    public void onPeerVersion(String peer, long version) {
        peerVersions.put(peer, version);
    }

    /**
     * How much of the SHA-256 a heartbeat carries: 128 bits tell two files apart as well as 256
     * here, and every byte on a beat counts against the datagram.
     */
    static final int DIGEST_PREFIX = 16;

    /** This node's version and digest, for every heartbeat: see {@link ExtensionTypes#CONFIG_DIGEST}. */
    public Extension digestExtension() {
        var r = running;
        return new Extension(ExtensionTypes.CONFIG_DIGEST, ByteBuffer.allocate(8 + DIGEST_PREFIX)
                .putLong(r.config().version()).put(r.sha(), 0, DIGEST_PREFIX).array());
    }

    /** A peer's {@link ExtensionTypes#CONFIG_DIGEST}; anything malformed is ignored. */
    public void onPeerDigest(String peer, Extension e) {
        if (e.type() != ExtensionTypes.CONFIG_DIGEST || e.value().length != 8 + DIGEST_PREFIX) return;
        var buf = ByteBuffer.wrap(e.value());
        long version = buf.getLong();
        byte[] sha = new byte[DIGEST_PREFIX];
        buf.get(sha);
        peerDigests.put(peer, new Announced(version, sha));
    }

    /**
     * Members that run an older version than this node, or the same version with a lower digest
     * (they lost a race of two applies to this node's file, and are sent it).
     */
    public List<String> behind() {
        var r = running;
        long v = r.config().version();
        return members.stream().filter(m -> !m.equals(self))
                .filter(m -> {
                    long pv = peerVersions.getOrDefault(m, v);
                    if (pv < v) return true;
                    var d = peerDigests.get(m);
                    return pv == v && d != null && d.version() == v
                            && java.util.Arrays.compareUnsigned(d.sha(), 0, DIGEST_PREFIX, r.sha(), 0, DIGEST_PREFIX) < 0;
                }).sorted().toList();
    }

    /** Members known to run exactly this node's version (and, where they announce it, its digest). */
    public List<String> upToDate() {
        var r = running;
        return members.stream().filter(m -> m.equals(self) || runsExactly(m, r.config().version(), r.sha()))
                .sorted().toList();
    }

    private boolean runsExactly(String member, long version, byte[] sha) {
        if (peerVersions.getOrDefault(member, -1L) != version) return false;
        var d = peerDigests.get(member);
        // An agent that announces no digest is taken at its version, as before digests existed.
        return d == null || d.version() == version
                && java.util.Arrays.equals(d.sha(), 0, DIGEST_PREFIX, sha, 0, DIGEST_PREFIX);
    }

    /** Where an operator's apply stands: see {@link #spread}. */
    public enum SpreadState {
        /** Every member of the view runs exactly the applied file. */
        SPREAD,
        /** Some member does not run it yet. */
        WAITING,
        /** Another file of the same version won (higher digest); the applied one is gone. */
        LOST,
        /** A later version was adopted before the applied one had reached every member. */
        SUPERSEDED
    }

    /** @param digest the SHA-256 (hex) of the file this node runs now */
    public record Spread(SpreadState state, long runningVersion, String digest, List<String> upToDate,
                         List<String> notYet) {}

    /** Whether the file applied as {@code version} with digest {@code sha} runs on every member. */
    public Spread spread(long version, String sha) {
        var r = running;
        String running = HexFormat.of().formatHex(r.sha());
        if (r.config().version() != version) {
            return new Spread(SpreadState.SUPERSEDED, r.config().version(), running, List.of(), List.of());
        }
        if (!running.equals(sha)) {
            return new Spread(SpreadState.LOST, version, running, List.of(), List.of());
        }
        var notYet = members.stream().filter(m -> !m.equals(self)).filter(m -> !runsExactly(m, version, r.sha()))
                .sorted().toList();
        return new Spread(notYet.isEmpty() ? SpreadState.SPREAD : SpreadState.WAITING, version, running,
                upToDate(), notYet);
    }

    /** One chunk to attach to this beat while some member is behind, else nothing. */
    public synchronized Optional<Extension> nextChunk() {
        if (behind().isEmpty()) return Optional.empty();
        var r = running;
        int chunks = (r.text().length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        if (chunks == 0) return Optional.empty();
        int index = nextChunk++ % chunks;
        int offset = index * CHUNK_BYTES;
        int len = Math.min(CHUNK_BYTES, r.text().length - offset);
        var buf = ByteBuffer.allocate(HEADER_BYTES + len);
        buf.putLong(r.config().version()).put(r.sha()).putInt(r.text().length).putInt(offset)
                .put(r.text(), offset, len);
        return Optional.of(new Extension(ExtensionTypes.CONFIG_CHUNK, buf.array()));
    }

    /** A chunk from a peer; adopts the file once complete, valid and newer. */
    public void onChunk(String sender, Extension e) {
        if (e.type() != ExtensionTypes.CONFIG_CHUNK) return;
        var buf = ByteBuffer.wrap(e.value());
        if (buf.remaining() < HEADER_BYTES) {
            LOG.warn("node {} sent a truncated configuration chunk", sender);
            return;
        }
        long version = buf.getLong();
        byte[] sha = new byte[32];
        buf.get(sha);
        int total = buf.getInt();
        int offset = buf.getInt();
        int len = buf.remaining();
        if (!isNewer(version, sha) || rejected.contains(HexFormat.of().formatHex(sha))) return;
        if (total <= 0 || total > MAX_FILE_BYTES || offset < 0 || offset % CHUNK_BYTES != 0 || len == 0
                || len > CHUNK_BYTES || (long) offset + len > total
                || (offset + len != total && len != CHUNK_BYTES)) {
            LOG.warn("node {} sent a malformed configuration chunk (total {}, offset {}, length {})", sender, total,
                    offset, len);
            return;
        }
        byte[] complete = null;
        synchronized (this) {
            if (assembly == null || assembly.version != version || !MessageDigest.isEqual(assembly.sha, sha)
                    || assembly.data.length != total) {
                assembly = new Assembly(version, sha, total);
            }
            int index = offset / CHUNK_BYTES;
            if (!assembly.have[index]) {
                buf.get(assembly.data, offset, len);
                assembly.have[index] = true;
                assembly.missing--;
            }
            if (assembly.missing == 0) {
                complete = assembly.data;
                assembly = null;
            }
        }
        if (complete != null) {
            if (!MessageDigest.isEqual(sha256(complete), sha)) {
                LOG.warn("configuration version {} from {} does not match its digest; discarded", version, sender);
                return;
            }
            var text = new String(complete, StandardCharsets.UTF_8);
            try {
                var config = ConfigLoader.load(text, running.config().source());
                if (config.version() != version) {
                    rejected.add(HexFormat.of().formatHex(sha));
                    LOG.error("configuration from {} says version {} inside but was sent as {}; discarded", sender,
                            config.version(), version);
                    return;
                }
                adopt(config, complete, sha, "from " + sender);
            } catch (ConfigException ex) {
                rejected.add(HexFormat.of().formatHex(sha));
                LOG.error("configuration version {} from {} is not valid on this node; keeping version {}: {}",
                        version, sender, version(), ex.getMessage());
            }
        }
    }

    /**
     * What became of {@code vigil config apply}.
     *
     * @param digest the SHA-256 (hex) of the applied file when adopted; else of the file that runs
     */
    public record ApplyResult(boolean adopted, long version, String message, String digest) {
        public ApplyResult(boolean adopted, long version, String message) {
            this(adopted, version, message, null);
        }
    }

    /**
     * {@code vigil config apply}: validates, requires a newer version, refuses a change that
     * would split the cluster, persists and adopts; the heartbeats then carry it to the other members.
     */
    public ApplyResult apply(String text) {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(text, running.config().source());
        } catch (ConfigException e) {
            return new ApplyResult(false, version(), "not applied; nothing changed:\n" + e.getMessage());
        }
        Optional<String> split = splits(running.config(), config, keysInUse.get()::contains);
        if (split.isPresent()) {
            return new ApplyResult(false, version(), "not applied; nothing changed: " + split.get());
        }
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] sha = sha256(bytes);
        synchronized (this) {
            // Under the lock that adopts: a file of this version that arrived from a peer since
            // the check above (a racing apply through another node) makes this one lose now.
            var r = running;
            if (config.version() == r.config().version() && MessageDigest.isEqual(sha, r.sha())) {
                // This very file runs already (applied through another node a moment ago: a playbook's
                // `cluster` step on every node of the cluster, or the same command run twice): what
                // was asked for is true, so it is not refused; the caller still waits for every member.
                return new ApplyResult(true, r.config().version(), "version " + r.config().version()
                        + " runs on " + self + " already: this same file", HexFormat.of().formatHex(sha));
            }
            if (config.version() <= r.config().version()) {
                String runningDigest = HexFormat.of().formatHex(r.sha());
                String why = config.version() == r.config().version() && !MessageDigest.isEqual(sha, r.sha())
                        ? "not applied: the cluster already runs another file with version " + config.version()
                          + " (sha256 " + runningDigest + "), applied through another node"
                        : "not applied: the file has version " + config.version() + ", but the cluster runs version "
                          + r.config().version();
                return new ApplyResult(false, r.config().version(), why + "; set `version: "
                        + (r.config().version() + 1) + "` in it to apply it", runningDigest);
            }
            if (!adopt(config, bytes, sha, "applied by an operator")) {
                return new ApplyResult(false, version(), "not applied: could not persist it on " + self
                        + " (see its log)");
            }
        }
        return new ApplyResult(true, config.version(), "version " + config.version() + " adopted on " + self,
                HexFormat.of().formatHex(sha));
    }

    /**
     * Waits (bounded) until the applied file runs on every member of the view, or has lost a
     * race to another file of the same version, or was superseded by a later version.
     */
    public static Spread awaitSpread(ConfigDistribution d, ApplyResult applied, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var s = d.spread(applied.version(), applied.digest());
            if (s.state() != SpreadState.WAITING || System.nanoTime() - deadline >= 0) return s;
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(20).toNanos());
        }
    }

    /** What {@code vigil config apply} is told: ok only when every member runs exactly this file. */
    public record ApplyOutcome(boolean ok, String message) {}

    /** @param missing configured nodes outside the view: they take the file when they are back */
    public static ApplyOutcome applyOutcome(ApplyResult applied, Spread s, List<String> missing) {
        String later = missing.isEmpty() ? "" : "; " + String.join(", ", missing) + " will take it when back";
        return switch (s.state()) {
            case SPREAD -> new ApplyOutcome(true, "configuration version " + applied.version() + " runs on "
                    + String.join(", ", s.upToDate()) + later);
            case WAITING -> new ApplyOutcome(false, "configuration version " + applied.version() + " runs on "
                    + String.join(", ", s.upToDate()) + later + "; NOT yet on " + String.join(", ", s.notYet()));
            case LOST -> new ApplyOutcome(false, "not applied: another file with version " + applied.version()
                    + " was applied through another node at the same time and won (sha256 " + s.digest()
                    + "); this one (sha256 " + applied.digest() + ") was dropped everywhere. Look at the running "
                    + "file, then apply yours again with `version: " + (applied.version() + 1) + "`");
            case SUPERSEDED -> new ApplyOutcome(false, "configuration version " + applied.version()
                    + " was replaced by version " + s.runningVersion() + " (sha256 " + s.digest()
                    + ") before it had reached every member");
        };
    }

    /**
     * Why applying {@code next} to a running cluster would split it, if it would: such changes
     * take effect only when each agent restarts, and while some run the old file and some the new
     * one, each side drops the other's heartbeats (wrong cluster, bad signature) or counts quorum
     * over other nodes. Stopping every agent, changing the file on every node and starting them
     * again is the procedure for these (as corosync requires for a cluster name change).
     */
    static Optional<String> splits(ClusterConfig now, ClusterConfig next) {
        return splits(now, next, k -> false);
    }

    /**
     * The keys this node runs with now: after {@code vigil key rotate} the key file holds a key
     * other than the one the running file was loaded with, and that is no split.
     */
    public void keysInUse(java.util.function.Supplier<java.util.List<dev.vigil.config.ClusterKey>> keys) {
        this.keysInUse = keys;
    }

    private volatile java.util.function.Supplier<java.util.List<dev.vigil.config.ClusterKey>> keysInUse = java.util.List::of;

    /** @param inUse whether a key is one this node runs with now (a rotated key) */
    static Optional<String> splits(ClusterConfig now, ClusterConfig next,
                                   java.util.function.Predicate<dev.vigil.config.ClusterKey> inUse) {
        String procedure = "; this change splits a running cluster, so it needs every agent stopped: stop the "
                + "agent on every node, change the file on every node, start them all again (docs/cluster-file.md, "
                + "\"Changes that need every agent stopped\")";
        if (!next.cluster().equals(now.cluster())) {
            return Optional.of("the file renames the cluster from `" + now.cluster() + "` to `" + next.cluster()
                    + "`" + procedure);
        }
        if (!next.key().equals(now.key()) && !inUse.test(next.key())) {
            return Optional.of("the file changes the cluster's key (" + now.keyFile() + " -> " + next.keyFile()
                    + " holds another key)" + procedure);
        }
        // The others' wait for a lost node follows the file they run, the node's device the one it
        // started with: a shorter timeout applied on a running cluster would let them start its
        // resources before its own device (still at the old timeout) has reset it.
        if (!next.resources().watchdog().equals(now.resources().watchdog())) {
            return Optional.of("the file changes watchdog: (" + now.resources().watchdog().map(w -> w.timeout().toSeconds() + "s")
                    .orElse("none") + " -> " + next.resources().watchdog().map(w -> w.timeout().toSeconds() + "s")
                    .orElse("none") + "), which each node's device follows only when its agent restarts" + procedure);
        }
        // Nodes kept: the same name at the same address. They must hold a majority of the votes
        // of both the old and the new node list, or the nodes running each file form two quorums.
        var kept = next.nodes().stream().filter(now.nodes()::contains).map(NodeConfig::name)
                .collect(java.util.stream.Collectors.toSet());
        int keptOld = now.nodes().stream().filter(n -> kept.contains(n.name())).mapToInt(NodeConfig::votes).sum();
        int keptNew = next.nodes().stream().filter(n -> kept.contains(n.name())).mapToInt(NodeConfig::votes).sum();
        int allOld = now.nodes().stream().mapToInt(NodeConfig::votes).sum();
        int allNew = next.nodes().stream().mapToInt(NodeConfig::votes).sum();
        if (2 * keptOld <= allOld || 2 * keptNew <= allNew) {
            return Optional.of("the node list keeps only " + (kept.isEmpty() ? "no node" : String.join(", ",
                    kept.stream().sorted().toList())) + " unchanged, " + keptOld + " of " + allOld
                    + " votes before and " + keptNew + " of " + allNew
                    + " after: not a majority of both; add, remove or re-address nodes one at a time, or"
                    + procedure.substring(1));
        }
        return Optional.empty();
    }

    private boolean isNewer(long version, byte[] sha) {
        var r = running;
        return version > r.config().version()
                || version == r.config().version() && java.util.Arrays.compareUnsigned(sha, r.sha()) > 0;
    }

    private synchronized boolean adopt(ClusterConfig config, byte[] text, byte[] sha, String how) {
        if (!isNewer(config.version(), sha)) return false;
        try {
            AtomicFile.write(stateDir.resolve(PERSISTED_FILE), text);
        } catch (IOException e) {
            // Not persisted means not adopted: a restart would silently go back to the old file.
            long skipped = persistFailureLog.admit("persist");
            if (skipped >= 0) {
                LOG.error("cannot persist configuration version {} in {}: {}; not adopting it{}", config.version(),
                        stateDir, e.getMessage(), dev.vigil.time.LogRateLimiter.suppressed(skipped));
            }
            return false;
        }
        running = new Running(config, text, sha);
        nextChunk = 0;
        LOG.info("configuration version {} ({}) adopted, {}", config.version(),
                HexFormat.of().formatHex(sha).substring(0, 12), how);
        onAdopt.accept(config);
        return true;
    }

    /** Tests: the clock the persistence-failure log limit reads. */
    void logClock(java.time.Clock clock) {
        persistFailureLog = new dev.vigil.time.LogRateLimiter(clock, PERSIST_FAILURE_LOG_INTERVAL);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
