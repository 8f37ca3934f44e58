package dev.vigil.drillroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.drill.DrillReader;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guided run's state machine where no cluster is needed: an agent that does not answer, and the live timeline's entries. */
class GuidedRunTest {
    @TempDir
    Path dir;

    @Test
    void noAgentIsARefusalWithTheReasonAndTheLiveTimelineSaysEachStopOnceAndNoChatter() throws Exception {
        Files.writeString(dir.resolve("drills.yaml"), "drills:\n  - {name: a, kind: switchover, target: www}\n");
        var drill = DrillReader.read(dir.resolve("drills.yaml")).drills().get(0);
        var g = GuidedRun.check(drill, (d, l) -> {
            throw new IOException("connection refused");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> g.stage() == GuidedRun.Stage.REFUSED);
        assertThat(g.checks()).singleElement().satisfies(c -> {
            assertThat(c.ok()).isFalse();
            assertThat(c.name()).isEqualTo("an agent answers");
            assertThat(c.detail()).isEqualTo("connection refused");
        });
        assertThat(g.samples()).isEmpty();

        long before = g.revision();
        for (var agent : new String[] {"ha1", "ha2", "ha3"}) {
            g.entry(new TimelineEntry(50, "stop", "ha1", agent, "web stopped on ha1"));
            g.entry(new TimelineEntry(40, "detection", "ha1", agent, agent + " sees ha1 dead"));
            g.entry(new TimelineEntry(45, "membership", "ha1", agent, "view changed"));
        }
        assertThat(g.timeline()).extracting(TimelineEntry::text)
                .containsExactly("web stopped on ha1", "ha1 sees ha1 dead", "ha2 sees ha1 dead", "ha3 sees ha1 dead");
        assertThat(g.revision()).isGreaterThan(before);
    }
}
