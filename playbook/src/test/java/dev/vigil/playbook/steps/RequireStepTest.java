package dev.vigil.playbook.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.playbook.host.LocalHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code require}: met or failed with its message, in a plan as in an apply; never a change; bounded. */
class RequireStepTest {
    @TempDir
    Path dir;
    private final LocalHost host = new LocalHost("local");

    @Test
    void metIsNoChangeInAPlanAndAnApply() throws Exception {
        for (boolean apply : new boolean[] {false, true}) {
            var o = Step.of("require").run(host, Map.of("command", "test -d " + dir), apply, StepTesting.ctx(dir));
            assertThat(o.changed()).isFalse();
            assertThat(o.message()).contains("met");
        }
    }

    @Test
    void unmetFailsAlreadyInThePlanWithTheMessageAndTheOutput() {
        assertThatThrownBy(() -> Step.of("require").run(host, Map.of("command", "echo no vigil here; exit 3",
                "message", "Vigil is not installed on local: install it first"), false, StepTesting.ctx(dir)))
                .isInstanceOf(Step.Failure.class)
                .hasMessage("Vigil is not installed on local: install it first (exit code 3: no vigil here)");
    }

    @Test
    void aHungQueryIsTimedOut() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Step.of("require").run(host, Map.of("command", "sleep 30", "timeout", "300ms"), false,
                StepTesting.ctx(dir, Duration.ofSeconds(10))))
                .hasMessageContaining("did not answer within 300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void checkKnowsItsParameters() throws Exception {
        assertThat(StepTesting.checkErrors(dir, "  - require: {command: \"true\", message: ok}\n")).isEmpty();
        assertThat(StepTesting.checkErrors(dir, "  - require: {message: ok}\n")).singleElement().asString().contains("command");
    }
}
