package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.FakeClock;
import dev.vigil.testing.LogCapture;
import dev.vigil.time.LogRateLimiter;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor that leaves a background child holding its output does so on every run: the agent
 * says so once per interval, not once per run (issue 19, row 12).
 */
class OutputCollectorLogFloodTest {
    private static final String LOGGER = "dev.vigil.test.output-flood";
    private final Logger log = LoggerFactory.getLogger(LOGGER);
    private final List<PipedOutputStream> heldOpen = new ArrayList<>();

    @AfterEach
    void releaseTheChildren() throws IOException {
        for (var out : heldOpen) out.close();
    }

    /** One run of an operation whose stdout a "background child" (this test) keeps open, silent. */
    private List<OutputCollector> runWithABackgroundChild(String tag) throws IOException {
        var out = new PipedOutputStream();
        heldOpen.add(out);
        var collector = new OutputCollector(new PipedInputStream(out), 256, log, tag, false);
        var reader = new Thread(collector, "test-output-reader");
        reader.setDaemon(true);
        reader.start();
        return List.of(collector);
    }

    @Test
    void aHundredRunsLeavingAChildLogOneLine() throws Exception {
        // Through the public entry point the executor uses; its interval is a minute, the flood
        // below a few seconds at most.
        String tag = "flood-" + System.nanoTime() + " monitor";
        try (var logs = LogCapture.of(LOGGER)) {
            for (int run = 0; run < 100; run++) {
                assertThat(OutputCollector.settle(runWithABackgroundChild(tag), System.nanoTime(), log, tag)).isFalse();
            }
            assertThat(logs.lines(l -> l.contains("still holds the agent's output"))).hasSize(1);
        }
        assertThat(OutputCollector.BACKGROUND_LOG_INTERVAL).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theNextIntervalsLineCountsTheRunsNotLogged() throws Exception {
        var clock = new FakeClock();
        var limiter = new LogRateLimiter(clock, OutputCollector.BACKGROUND_LOG_INTERVAL);
        try (var logs = LogCapture.of(LOGGER)) {
            for (int run = 0; run < 30; run++) {
                OutputCollector.settle(runWithABackgroundChild("www monitor"), System.nanoTime(), log, "www monitor", limiter);
                // A run every 2 s, as a monitor interval would.
                clock.advance(Duration.ofSeconds(2));
            }
            var lines = logs.lines(l -> l.contains("still holds the agent's output"));
            // 60 s of runs: at most one line per started interval.
            assertThat(lines).hasSize(1);
            OutputCollector.settle(runWithABackgroundChild("www monitor"), System.nanoTime(), log, "www monitor", limiter);
            lines = logs.lines(l -> l.contains("still holds the agent's output"));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).endsWith("[29 more like this since the last report]");
        }
    }
}
