package dev.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FuzzRunTest {
    @AfterEach
    void clear() {
        System.clearProperty("fuzz.required");
    }

    @Test
    void durationsInJazzersSyntax() {
        assertThat(FuzzRun.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(FuzzRun.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(FuzzRun.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(FuzzRun.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThatThrownBy(() -> FuzzRun.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutARequirementNothingIsChecked() {
        new FuzzRun().check("seeds only");
    }

    @Test
    void aRunShorterThanRequiredFails() {
        // Unit tests never run with JAZZER_FUZZ: a requirement fails either for that or for the time.
        System.setProperty("fuzz.required", "60s");
        var run = new FuzzRun();
        run.saw();
        run.saw();
        assertThatThrownBy(() -> run.check("target")).isInstanceOf(AssertionError.class)
                .hasMessageMatching("target: (fuzz.required=60s but JAZZER_FUZZ is not set.*|fuzzed for .*)");
    }
}
