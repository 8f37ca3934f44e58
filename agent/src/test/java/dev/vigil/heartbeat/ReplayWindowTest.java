package dev.vigil.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private final ReplayWindow window = new ReplayWindow();

    @Test
    void acceptsIncreasingSequences() {
        for (long s = 1; s <= 200; s++) {
            assertThat(window.accept(s)).isTrue();
        }
    }

    @Test
    void refusesExactRepeat() {
        assertThat(window.accept(10)).isTrue();
        assertThat(window.accept(10)).isFalse();
    }

    @Test
    void acceptsReorderWithinWindowOnce() {
        assertThat(window.accept(100)).isTrue();
        assertThat(window.accept(90)).isTrue();
        assertThat(window.accept(90)).isFalse();
        assertThat(window.accept(37)).isTrue();
        assertThat(window.accept(36)).as("64 behind the highest").isFalse();
    }

    @Test
    void bigJumpForgetsOldHistory() {
        assertThat(window.accept(1)).isTrue();
        assertThat(window.accept(1000)).isTrue();
        assertThat(window.accept(999)).isTrue();
        assertThat(window.accept(1)).isFalse();
        assertThat(window.accept(1000)).isFalse();
    }

    @Test
    void refusesNegative() {
        assertThat(window.accept(-1)).isFalse();
    }
}
