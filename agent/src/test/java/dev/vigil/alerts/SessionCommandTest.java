package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An alert agent's run: its stderr drained by the waiting thread, its exit and its timeout. */
class SessionCommandTest {
    /** Far longer than any of these agents runs: a bound on a slow machine, never reached when all is well. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aFailingAgentsStderrTailIsInTheFailure() {
        assertThatThrownBy(() -> SessionCommand.run(List.of("sh", "-c", "echo oops >&2; exit 3"), Map.of(), TIMEOUT, "t"))
                .isInstanceOf(AlertSender.AlertFailure.class).hasMessage("sh exited with 3: oops");
    }

    @Test
    void moreStderrThanAPipeHoldsIsTakenInWhileItRuns() {
        // 300 KiB: an agent nobody drained would block on its full pipe until the timeout.
        String script = "head -c 307200 /dev/zero | tr '\\0' x >&2; echo >&2; echo the end >&2; exit 1";
        assertThatThrownBy(() -> SessionCommand.run(List.of("sh", "-c", script), Map.of(), TIMEOUT, "t"))
                .isInstanceOfSatisfying(AlertSender.AlertFailure.class, e -> {
                    assertThat(e.timedOut()).isFalse();
                    assertThat(e.getMessage()).startsWith("sh exited with 1: ").endsWith("the end");
                });
    }

    @Test
    void aHungAgentIsKilledAtItsTimeout() {
        Duration timeout = Duration.ofMillis(300);
        long start = System.nanoTime();
        assertThatThrownBy(() -> SessionCommand.run(List.of("sh", "-c", "echo started >&2; sleep 1000"), Map.of(), timeout, "t"))
                .isInstanceOfSatisfying(AlertSender.AlertFailure.class, e -> assertThat(e.timedOut()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout).isLessThan(TIMEOUT);
    }

    @Test
    void anAgentThatSucceedsReturns() throws Exception {
        SessionCommand.run(List.of("sh", "-c", "echo fine >&2"), Map.of(), TIMEOUT, "t");
    }
}
