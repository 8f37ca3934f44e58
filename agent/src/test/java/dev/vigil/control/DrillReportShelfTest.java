package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill reports an agent keeps for the cluster: parts in, parts out, retention, bounds. */
class DrillReportShelfTest {
    @TempDir
    Path dir;
    private Instant now = Instant.parse("2027-01-15T08:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static List<String> put(String id, int part, int parts, int keep, Duration age) {
        return List.of(id, Integer.toString(part), Integer.toString(parts), Integer.toString(keep), Long.toString(age.toMillis()),
                "web-switchover", "pass", "1600", "every expectation held");
    }

    /** Stores a report of {@code size} bytes in parts, as ClusterReports sends it. */
    private byte[] store(DrillReportShelf shelf, String id, int size, int keep, Duration age) throws Exception {
        byte[] data = new byte[size];
        new java.util.Random(id.hashCode()).nextBytes(data);
        int parts = Math.max(1, (size + DrillReportShelf.PART_BYTES - 1) / DrillReportShelf.PART_BYTES);
        for (int p = 0; p < parts; p++) {
            int from = p * DrillReportShelf.PART_BYTES;
            var chunk = java.util.Arrays.copyOfRange(data, from, Math.min(size, from + DrillReportShelf.PART_BYTES));
            shelf.answer("put", put(id, p, parts, keep, age), Base64.getEncoder().encodeToString(chunk));
        }
        return data;
    }

    private byte[] read(DrillReportShelf shelf, String id) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        int parts = 1;
        for (int p = 0; p < parts; p++) {
            var node = ControlProtocol.mapper().readTree(shelf.answer("get", List.of(id, Integer.toString(p)), null));
            parts = node.get("parts").asInt();
            out.write(Base64.getDecoder().decode(node.get("data").asText()));
        }
        return out.toByteArray();
    }

    @Test
    void aReportSentInPartsIsListedAndReadBackWhole() throws Exception {
        var shelf = new DrillReportShelf(dir, clock);
        // Bigger than one part in and one part out: 3 parts of 32 KB in, 2 of 256 KB out.
        byte[] data = store(shelf, "20270115T080000.000Z-move", 300 * 1024, 10, Duration.ofDays(30));
        assertThat(read(shelf, "20270115T080000.000Z-move")).isEqualTo(data);
        var listed = shelf.summaries();
        assertThat(listed).singleElement().isEqualTo(new DrillReportShelf.Summary("20270115T080000.000Z-move", "web-switchover",
                "pass", 1600, "every expectation held", 300 * 1024, now.toEpochMilli()));
        assertThat(shelf.answer("list", List.of(), null)).startsWith("[{\"id\":\"20270115T080000.000Z-move\"");
        // The same report handed over again (a retry) changes nothing.
        assertThat(shelf.answer("put", put("20270115T080000.000Z-move", 0, 1, 10, Duration.ofDays(30)), "AAAA")).isEqualTo("kept");
        assertThat(read(shelf, "20270115T080000.000Z-move")).isEqualTo(data);
        assertThat(Files.list(dir.resolve(".incoming"))).isEmpty();
    }

    @Test
    void retentionKeepsTheNewestWithinTheCountAndTheAge() throws Exception {
        var shelf = new DrillReportShelf(dir, clock);
        for (int i = 1; i <= 5; i++) {
            store(shelf, "2027011" + i + "T080000.000Z-d", 100, 3, Duration.ofDays(30));
            now = now.plus(Duration.ofDays(1));
        }
        assertThat(shelf.summaries()).extracting(DrillReportShelf.Summary::id)
                .containsExactly("20270115T080000.000Z-d", "20270114T080000.000Z-d", "20270113T080000.000Z-d");
        // Ten days on, a report with a max age of a week: the three older ones go.
        now = now.plus(Duration.ofDays(10));
        store(shelf, "20270130T080000.000Z-d", 100, 3, Duration.ofDays(7));
        assertThat(shelf.summaries()).extracting(DrillReportShelf.Summary::id).containsExactly("20270130T080000.000Z-d");
        assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".gz")).count()).isEqualTo(1);
    }

    @Test
    void badRequestsAreRefusedAndLeaveNothingBehind() throws Exception {
        var shelf = new DrillReportShelf(dir, clock);
        assertThatThrownBy(() -> shelf.answer("put", put("../etc/passwd", 0, 1, 3, Duration.ofDays(1)), "AAAA"))
                .hasMessage("bad report id '../etc/passwd'");
        assertThatThrownBy(() -> shelf.answer("put", put("a", 1, 2, 3, Duration.ofDays(1)), "AAAA"))
                .hasMessage("part 1 of a out of order; send from part 0");
        assertThatThrownBy(() -> shelf.answer("put", put("a", 0, 1000, 3, Duration.ofDays(1)), "AAAA"))
                .hasMessageStartingWith("part 0 of 1000: at most 8388608 bytes");
        byte[] tooBig = new byte[DrillReportShelf.PART_BYTES + 1];
        assertThatThrownBy(() -> shelf.answer("put", put("a", 0, 2, 3, Duration.ofDays(1)), Base64.getEncoder().encodeToString(tooBig)))
                .hasMessage("a part holds at most 32768 bytes");
        assertThatThrownBy(() -> shelf.answer("get", List.of("nope", "0"), null)).hasMessage("no report nope on this node");
        assertThatThrownBy(() -> shelf.answer("drop", List.of(), null)).hasMessageStartingWith("drill-reports: unknown verb 'drop'");
        assertThat(shelf.summaries()).isEmpty();
    }
}
