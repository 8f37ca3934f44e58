package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAttributesTest {
    private static final Optional<Boolean> ANY = Optional.empty();

    @TempDir
    Path dir;

    @Test
    void transientAttributesAreTheNodesOwnAndNeverWrittenToDisk() {
        var changes = new AtomicInteger();
        var a = new NodeAttributes("ha1", Optional.of(dir.resolve("attributes")), changes::incrementAndGet);
        assertThat(a.set(NodeAttributes.NODES, "ha1", "master-db", "10", false, 1000)).isEmpty();
        assertThat(a.set(NodeAttributes.NODES, "ha1", "master-db", "10", false, 1001)).as("unchanged").isEmpty();
        assertThat(changes).hasValue(1);
        assertThat(a.transientOwn()).isEqualTo(Map.of("master-db", "10"));
        assertThat(a.get(NodeAttributes.NODES, "ha1", "master-db", ANY, Map.of())).contains("10");
        assertThat(a.set(NodeAttributes.NODES, "ha2", "master-db", "5", false, 1000))
                .hasValueSatisfying(why -> assertThat(why).contains("set on ha2 itself"));
        assertThat(dir.resolve("attributes")).doesNotExist();
        // Another member's, as its report said.
        assertThat(a.get(NodeAttributes.NODES, "ha2", "master-db", ANY, Map.of("ha2", Map.of("master-db", "7"))))
                .contains("7");
        assertThat(a.set(NodeAttributes.NODES, "ha1", "master-db", null, false, 1002)).isEmpty();
        assertThat(a.get(NodeAttributes.NODES, "ha1", "master-db", ANY, Map.of())).isEmpty();
    }

    @Test
    void permanentAttributesReplicateNewestFirstSurviveRestartsAndKeepTombstones() {
        var a = new NodeAttributes("ha1", Optional.of(dir.resolve("a1")), () -> { });
        var b = new NodeAttributes("ha2", Optional.of(dir.resolve("a2")), () -> { });
        a.set(NodeAttributes.CRM_CONFIG, "", "redis_REPL_INFO", "ha1", true, 1000);
        a.set(NodeAttributes.NODES, "ha3", "tunnel-port", "6379\ttab", true, 1000);
        assertThat(b.merge(a.permanent())).isTrue();
        assertThat(b.merge(a.permanent())).as("nothing new").isFalse();
        assertThat(b.get(NodeAttributes.CRM_CONFIG, "anything", "redis_REPL_INFO", ANY, Map.of())).contains("ha1");
        // ha2 writes later; an older write from ha1 arriving afterwards loses.
        b.set(NodeAttributes.CRM_CONFIG, "", "redis_REPL_INFO", "ha2", true, 2000);
        var stale = new NodeAttributes.Permanent(NodeAttributes.CRM_CONFIG, "", "redis_REPL_INFO", "ha3", 1500, "ha3");
        assertThat(b.merge(List.of(stale))).isFalse();
        a.merge(b.permanent());
        assertThat(a.get(NodeAttributes.CRM_CONFIG, "", "redis_REPL_INFO", ANY, Map.of())).contains("ha2");
        // A deletion travels as a tombstone and beats the older value.
        a.set(NodeAttributes.NODES, "ha3", "tunnel-port", null, true, 3000);
        b.merge(a.permanent());
        assertThat(b.get(NodeAttributes.NODES, "ha3", "tunnel-port", Optional.of(true), Map.of())).isEmpty();
        // A writer whose clock is behind still wins over what it replaces.
        b.set(NodeAttributes.NODES, "ha3", "tunnel-port", "7000", true, 10);
        assertThat(b.get(NodeAttributes.NODES, "ha3", "tunnel-port", ANY, Map.of())).contains("7000");

        var restarted = new NodeAttributes("ha2", Optional.of(dir.resolve("a2")), () -> { });
        assertThat(restarted.permanent()).isEqualTo(b.permanent());
        assertThat(restarted.get(NodeAttributes.NODES, "ha3", "tunnel-port", ANY, Map.of())).contains("7000");
    }

    @Test
    void theSchedulersViewOverlaysTransientOnPermanent() {
        var a = new NodeAttributes("ha1", Optional.empty(), () -> { });
        a.set(NodeAttributes.NODES, "ha2", "master-db", "1", true, 1000);
        a.set(NodeAttributes.NODES, "ha3", "master-db", "2", true, 1000);
        a.set(NodeAttributes.NODES, "ha1", "master-db", "9", false, 1000);
        assertThat(a.view(Map.of("ha2", Map.of("master-db", "5"))))
                .isEqualTo(Map.of("ha1", Map.of("master-db", "9"), "ha2", Map.of("master-db", "5"),
                        "ha3", Map.of("master-db", "2")));
    }
}
