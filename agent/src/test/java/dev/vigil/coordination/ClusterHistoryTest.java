package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.HistoryJson;
import dev.vigil.control.HistoryReport.EventRecord;
import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 6: the history is bounded, and what an agent kept is there after it restarts. */
class ClusterHistoryTest {
    @TempDir
    Path dir;

    private static OperationRecord op(long at, String resource, String op) {
        return new OperationRecord(at, "ha1", resource, op, "SUCCESS", 0, null, 12L, false);
    }

    @Test
    void everyListIsBoundedOldestDroppedFirst() {
        try (var h = ClusterHistory.inMemory("ha1")) {
            for (int i = 0; i < ClusterHistory.OPERATIONS_PER_RESOURCE + 5; i++) {
                h.operation(op(i, "web", "monitor"));
            }
            h.operation(op(100, "vip", "start"));
            for (int i = 0; i < ClusterHistory.EVENTS + 3; i++) {
                h.event(new EventRecord(i, "resource", "ha1", "event " + i));
            }
            for (int i = 0; i < ClusterHistory.FENCES + 1; i++) {
                h.fence(new FenceRecord(i, "ha2", "ha1", "reboot", List.of(), true, "ha2 lost"));
            }
            var s = h.snapshot();
            assertThat(s.operations().stream().filter(o -> o.resource().equals("web")))
                    .hasSize(ClusterHistory.OPERATIONS_PER_RESOURCE)
                    .first().extracting(OperationRecord::atMs).isEqualTo(5L);
            assertThat(s.operations()).last().extracting(OperationRecord::resource).isEqualTo("vip");
            assertThat(s.events()).hasSize(ClusterHistory.EVENTS).first().extracting(EventRecord::message)
                    .isEqualTo("event 3");
            assertThat(s.fencing()).hasSize(ClusterHistory.FENCES);
        }
    }

    @Test
    void whatWasKeptIsThereAfterARestart() throws Exception {
        var fence = new FenceRecord(2000, "ha2", "ha1", "reboot", List.of("ipmi-ha2 reboot ha2: SUCCESS (exit 0, 40 ms)"),
                true, "ha2 lost");
        var failed = new OperationRecord(1000, "ha1", "web", "monitor", "NOT_RUNNING", 7, "pid file gone", 30L, true);
        try (var h = ClusterHistory.open("ha1", dir)) {
            h.operation(failed);
            h.fence(fence);
            h.event(new EventRecord(3000, "membership", "ha2", "node ha2 joined"));
        }
        assertThat(dir.resolve(ClusterHistory.FILE)).exists();

        try (var again = ClusterHistory.open("ha1", dir)) {
            var s = again.snapshot();
            assertThat(s.operations()).containsExactly(failed);
            assertThat(s.fencing()).containsExactly(fence);
            assertThat(s.events()).extracting(EventRecord::message).containsExactly("node ha2 joined");
        }
    }

    @Test
    void writesAreCoalescedAndReachTheDiskWithoutClose() throws Exception {
        var h = ClusterHistory.open("ha1", dir);
        try {
            h.event(new EventRecord(1, "quorum", null, "quorum gained"));
            h.event(new EventRecord(2, "quorum", null, "quorum lost"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> Files.exists(dir.resolve(ClusterHistory.FILE)));
            var onDisk = HistoryJson.read(Files.readAllBytes(dir.resolve(ClusterHistory.FILE)));
            assertThat(onDisk.events()).hasSize(2);
        } finally {
            h.close();
        }
    }

    @Test
    void anUnreadableFileIsSetAsideAndTheHistoryStartsEmpty() throws Exception {
        Files.writeString(dir.resolve(ClusterHistory.FILE), "{\"events\": [ torn");
        try (var h = ClusterHistory.open("ha1", dir)) {
            assertThat(h.snapshot().events()).isEmpty();
        }
        assertThat(dir.resolve(ClusterHistory.FILE + ".bad")).exists();
    }
}
