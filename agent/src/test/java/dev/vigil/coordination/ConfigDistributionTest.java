package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.heartbeat.Extension;
import dev.vigil.heartbeat.ExtensionTypes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDistributionTest {
    @TempDir
    Path dir;
    private Path keyFile;

    @BeforeEach
    void key() throws Exception {
        keyFile = dir.resolve("authkey");
        Files.writeString(keyFile, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** A valid file of the given version, padded with resources so it needs several chunks. */
    private String file(long version, int resources) {
        var sb = new StringBuilder("""
                cluster: web
                version: %d
                auth: {keyfile: %s}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 7694}
                policy: {two_node_unsafe: true}
                resources:
                """.formatted(version, keyFile));
        for (int i = 0; i < resources; i++) {
            sb.append("  - {id: r").append(i).append(", agent: \"ocf:heartbeat:Dummy\", params: {state: /tmp/r")
                    .append(i).append(".state}}\n");
        }
        return sb.toString();
    }

    private ClusterConfig load(String text) throws Exception {
        return ConfigLoader.load(text, dir.resolve("cluster.yaml"));
    }

    private ConfigDistribution node(String name, ClusterConfig config, List<ClusterConfig> adopted) {
        var d = new ConfigDistribution(name, dir.resolve(name), config, adopted::add);
        d.onView(Set.of("ha1", "ha2"));
        return d;
    }

    @Test
    void anAppliedFileReachesALaggingPeerChunkByChunkAndIsPersistedThere() throws Exception {
        var v1 = load(file(1, 2));
        var adoptedOnHa2 = new ArrayList<ClusterConfig>();
        var ha1 = node("ha1", v1, new ArrayList<>());
        var ha2 = node("ha2", v1, adoptedOnHa2);
        String v2 = file(2, 40);
        assertThat(v2.length()).isGreaterThan(3 * ConfigDistribution.CHUNK_BYTES);

        var result = ha1.apply(v2);
        assertThat(result.adopted()).isTrue();
        assertThat(Files.readString(dir.resolve("ha1").resolve(ConfigDistribution.PERSISTED_FILE))).isEqualTo(v2);

        ha1.onPeerVersion("ha2", 1);
        assertThat(ha1.behind()).containsExactly("ha2");
        for (int beat = 0; beat < 100 && ha2.version() < 2; beat++) {
            ha1.nextChunk().ifPresent(chunk -> ha2.onChunk("ha1", chunk));
        }
        assertThat(ha2.version()).isEqualTo(2);
        assertThat(ha2.current().resources().resources()).hasSize(40);
        assertThat(adoptedOnHa2).hasSize(1);
        assertThat(Files.readString(dir.resolve("ha2").resolve(ConfigDistribution.PERSISTED_FILE))).isEqualTo(v2);

        ha1.onPeerVersion("ha2", 2);
        assertThat(ha1.behind()).isEmpty();
        assertThat(ha1.nextChunk()).isEmpty();
    }

    @Test
    void aFileThatIsNotNewerOrNotValidIsRefusedAndChangesNothing() throws Exception {
        var v1 = load(file(1, 1));
        var adopted = new ArrayList<ClusterConfig>();
        var ha1 = node("ha1", v1, adopted);

        var same = ha1.apply(file(1, 3));
        assertThat(same.adopted()).isFalse();
        assertThat(same.message()).contains("set `version: 2`");

        var broken = ha1.apply(file(2, 1).replace("port: 7694", "port: 99999"));
        assertThat(broken.adopted()).isFalse();
        assertThat(broken.message()).containsPattern("cluster.yaml:\\d+:\\d+: ");

        assertThat(adopted).isEmpty();
        assertThat(ha1.version()).isEqualTo(1);
        assertThat(dir.resolve("ha1").resolve(ConfigDistribution.PERSISTED_FILE)).doesNotExist();
    }

    @Test
    void theFileTheClusterRunsAlreadyIsNotRefusedAndAdoptedOnce() throws Exception {
        var adopted = new ArrayList<ClusterConfig>();
        var ha1 = node("ha1", load(file(1, 1)), adopted);
        String v2 = file(2, 2);
        assertThat(ha1.apply(v2).adopted()).isTrue();
        // the same file again (as a playbook's `cluster` step applies it through every node): success, nothing new
        var again = ha1.apply(v2);
        assertThat(again.adopted()).isTrue();
        assertThat(again.version()).isEqualTo(2);
        assertThat(again.message()).isEqualTo("version 2 runs on ha1 already: this same file");
        assertThat(adopted).hasSize(1);
        // another file of the running version is still refused
        var other = ha1.apply(file(2, 3));
        assertThat(other.adopted()).isFalse();
        assertThat(other.message()).contains("already runs another file with version 2");
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsLoggedOncePerIntervalNotOncePerHeartbeat() throws Exception {
        var v1 = load(file(1, 1));
        // The state directory is a file: every write fails, as on a full disk.
        Files.writeString(dir.resolve("ha2"), "not a directory");
        var adopted = new ArrayList<ClusterConfig>();
        var ha2 = node("ha2", v1, adopted);
        var clock = new dev.vigil.testing.FakeClock();
        ha2.logClock(clock);
        byte[] text = file(2, 1).getBytes(StandardCharsets.UTF_8);
        var offered = chunk(2, ConfigDistribution.sha256(text), text.length, 0, text);
        try (var logs = dev.vigil.testing.LogCapture.of(ConfigDistribution.class)) {
            // 20 heartbeats a second (`fast`) for the whole of one interval, each completing the file.
            long beats = ConfigDistribution.PERSIST_FAILURE_LOG_INTERVAL.toMillis() / 50;
            for (long beat = 0; beat < beats; beat++) {
                ha2.onChunk("ha1", offered);
                clock.advance(java.time.Duration.ofMillis(50));
            }
            var lines = logs.lines(l -> l.startsWith("cannot persist configuration version 2"));
            assertThat(lines).hasSize(1);
            ha2.onChunk("ha1", offered);
            lines = logs.lines(l -> l.startsWith("cannot persist configuration version 2"));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).endsWith("[" + (beats - 1) + " more like this since the last report]");
            assertThat(logs.lines()).as("nothing else logged per heartbeat").hasSize(2);
        }
        assertThat(adopted).isEmpty();
        assertThat(ha2.version()).isEqualTo(1);
    }

    @Test
    void malformedOrMismatchedChunksAreIgnored() throws Exception {
        var v1 = load(file(1, 1));
        var adopted = new ArrayList<ClusterConfig>();
        var ha2 = node("ha2", v1, adopted);
        byte[] text = file(2, 1).getBytes(StandardCharsets.UTF_8);

        // Truncated header.
        ha2.onChunk("ha1", new Extension(ExtensionTypes.CONFIG_CHUNK, new byte[10]));
        // Offset beyond the total, and a total beyond the limit.
        ha2.onChunk("ha1", chunk(2, ConfigDistribution.sha256(text), text.length, text.length + 640, text));
        ha2.onChunk("ha1", chunk(2, ConfigDistribution.sha256(text), Integer.MAX_VALUE, 0, text));
        // Complete, but the digest announces other content.
        ha2.onChunk("ha1", chunk(2, ConfigDistribution.sha256("other".getBytes()), text.length, 0, text));

        assertThat(adopted).isEmpty();
        assertThat(ha2.version()).isEqualTo(1);

        // The same bytes with their true digest are adopted: the refusals above were about the chunks.
        ha2.onChunk("ha1", chunk(2, ConfigDistribution.sha256(text), text.length, 0, text));
        assertThat(ha2.version()).isEqualTo(2);
    }

    @Test
    void anAgentStartsWithTheNewerOfItsFileAndThePersistedCopy() throws Exception {
        var v1 = load(file(1, 1));
        var stateDir = dir.resolve("ha1");
        Files.createDirectories(stateDir);
        assertThat(ConfigDistribution.newest(v1, stateDir).version()).isEqualTo(1);

        Files.writeString(stateDir.resolve(ConfigDistribution.PERSISTED_FILE), file(3, 2));
        assertThat(ConfigDistribution.newest(v1, stateDir).version()).isEqualTo(3);

        var v5 = load(file(5, 1));
        assertThat(ConfigDistribution.newest(v5, stateDir).version()).isEqualTo(5);

        Files.writeString(stateDir.resolve(ConfigDistribution.PERSISTED_FILE), "cluster: [");
        assertThat(ConfigDistribution.newest(v1, stateDir).version()).isEqualTo(1);
    }

    private static Extension chunk(long version, byte[] sha, int total, int offset, byte[] data) {
        int len = Math.min(data.length, ConfigDistribution.CHUNK_BYTES);
        var buf = ByteBuffer.allocate(48 + len);
        buf.putLong(version).put(sha).putInt(total).putInt(offset).put(data, 0, len);
        return new Extension(ExtensionTypes.CONFIG_CHUNK, buf.array());
    }

    /** Issue 19 item 7: changes that split a running cluster are refused by apply, naming the procedure. */
    @Test
    void changesThatSplitTheClusterAreRefusedAndChangeNothing() throws Exception {
        var v1 = load(file(1, 1));
        var adopted = new ArrayList<ClusterConfig>();
        var ha1 = node("ha1", v1, adopted);

        var renamed = ha1.apply(file(2, 1).replace("cluster: web", "cluster: shop"));
        assertThat(renamed.adopted()).isFalse();
        assertThat(renamed.message()).contains("renames the cluster from `web` to `shop`")
                .contains("stop the agent on every node");

        Path otherKey = dir.resolve("otherkey");
        Files.writeString(otherKey, "another-key-another-key-another\n");
        Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));
        var rekeyed = ha1.apply(file(2, 1).replace(keyFile.toString(), otherKey.toString()));
        assertThat(rekeyed.adopted()).isFalse();
        assertThat(rekeyed.message()).contains("changes the cluster's key").contains("stop the agent on every node");

        // Both nodes re-addressed at once: no node is kept, so old and new would count quorum apart.
        var moved = ha1.apply(file(2, 1).replace("127.0.0.1", "127.0.1.1").replace("127.0.0.2", "127.0.1.2"));
        assertThat(moved.adopted()).isFalse();
        assertThat(moved.message()).contains("keeps only no node unchanged, 0 of 2 votes");

        // Two nodes added to two: the kept pair has 2 of 4 votes, not a majority of the new list.
        var doubled = ha1.apply(file(2, 1).replace("  - {name: ha2, address: 127.0.0.2}\n",
                "  - {name: ha2, address: 127.0.0.2}\n  - {name: ha3, address: 127.0.0.3}\n"
                        + "  - {name: ha4, address: 127.0.0.4}\n"));
        assertThat(doubled.adopted()).isFalse();
        assertThat(doubled.message()).contains("2 of 2 votes before and 2 of 4 after");

        assertThat(adopted).isEmpty();
        assertThat(ha1.version()).isEqualTo(1);
        assertThat(dir.resolve("ha1").resolve(ConfigDistribution.PERSISTED_FILE)).doesNotExist();

        // One node added at a time keeps a majority of both lists: accepted.
        var grown = ha1.apply(file(2, 1).replace("  - {name: ha2, address: 127.0.0.2}\n",
                "  - {name: ha2, address: 127.0.0.2}\n  - {name: ha3, address: 127.0.0.3}\n"));
        assertThat(grown.adopted()).as(grown.message()).isTrue();
    }
}
