package dev.vigil.coordination;

import dev.vigil.config.AtomicFile;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
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
 * (and the CLI of the one that lost says so).
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
    }

    /** The version a peer announced in its latest heartbeat. */
    public void onPeerVersion(String peer, long version) {
        peerVersions.put(peer, version);
    }

    /** Members that run an older version than this node. */
    public List<String> behind() {
        long v = version();
        return members.stream().filter(m -> !m.equals(self))
                .filter(m -> peerVersions.getOrDefault(m, v) < v).sorted().toList();
    }

    /** Members known to run exactly this node's version. */
    public List<String> upToDate() {
        long v = version();
        return members.stream().filter(m -> m.equals(self) || peerVersions.getOrDefault(m, -1L) == v).sorted().toList();
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

    /** What became of {@code vigil config apply}. */
    public record ApplyResult(boolean adopted, long version, String message) {}

    /**
     * {@code vigil config apply}: validates, requires a newer version, persists and adopts; the
     * heartbeats then carry it to the other members.
     */
    public ApplyResult apply(String text) {
        ClusterConfig config;
        try {
            config = ConfigLoader.load(text, running.config().source());
        } catch (ConfigException e) {
            return new ApplyResult(false, version(), "not applied; nothing changed:\n" + e.getMessage());
        }
        if (config.version() <= version()) {
            return new ApplyResult(false, version(), "not applied: the file has version " + config.version()
                    + ", but the cluster runs version " + version() + "; set `version: " + (version() + 1)
                    + "` in it to apply it");
        }
        var bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!adopt(config, bytes, sha256(bytes), "applied by an operator")) {
            return new ApplyResult(false, version(), "not applied: could not persist it on " + self + " (see its log)");
        }
        return new ApplyResult(true, config.version(), "version " + config.version() + " adopted on " + self);
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
