package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RealtimePriorityTest {
    @Test
    void promotesOnlyTheThreadsHeartbeatsDependOn() {
        // Names as /proc/self/task/*/comm shows them: Java names cut to 15 characters.
        assertThat(RealtimePriority.isTimingCritical("vigil-heartbeat")).isTrue();
        assertThat(RealtimePriority.isTimingCritical("vigil-detector")).isTrue();
        assertThat(RealtimePriority.isTimingCritical("vigil-watchdog")).isTrue();
        assertThat(RealtimePriority.isTimingCritical("vigil-udp-0")).isTrue();
        assertThat(RealtimePriority.isTimingCritical("vigil-serial-se")).isTrue();
        assertThat(RealtimePriority.isTimingCritical("VM Thread")).isTrue();
        // "vigil-coordination" as the kernel shows it (15 characters).
        assertThat(RealtimePriority.isTimingCritical("vigil-coordinat")).isTrue();
        assertThat(RealtimePriority.isTimingCritical("vigil-exec-1")).isFalse();
        assertThat(RealtimePriority.isTimingCritical("vigil-fence-1")).isFalse();
        assertThat(RealtimePriority.isTimingCritical("vigil-monitor-t")).isFalse();
        assertThat(RealtimePriority.isTimingCritical("vigil-control")).isFalse();
        assertThat(RealtimePriority.isTimingCritical("vigil-control-a")).isFalse();
        assertThat(RealtimePriority.isTimingCritical("C1 CompilerThre")).isFalse();
        assertThat(RealtimePriority.isTimingCritical("main")).isFalse();
    }

    @Test
    void nothingMatchingPromotesNothing() {
        assertThat(RealtimePriority.promote(name -> false)).isZero();
    }
}
