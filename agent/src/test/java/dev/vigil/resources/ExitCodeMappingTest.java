package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExitCodeMappingTest {

    @Test
    void ocfCodes() {
        assertThat(ExitCodeMapping.ocf(0)).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.ocf(7)).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.ocf(9)).isEqualTo(Outcome.FAILED_PROMOTED);
        assertThat(ExitCodeMapping.ocf(190)).isEqualTo(Outcome.DEGRADED);
        assertThat(ExitCodeMapping.ocf(42)).isEqualTo(Outcome.UNKNOWN_EXIT_CODE);
        assertThat(ExitCodeMapping.ocf(-1)).isEqualTo(Outcome.UNKNOWN_EXIT_CODE);
    }

    @Test
    void lsbStatusHasItsOwnCodes() {
        assertThat(ExitCodeMapping.lsb(Action.MONITOR, 0)).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.lsb(Action.PROBE, 3)).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.lsb(Action.MONITOR, 1)).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.lsb(Action.MONITOR, 2)).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.lsb(Action.MONITOR, 4)).isEqualTo(Outcome.ERR_GENERIC);
    }

    @Test
    void lsbStartAndStopShareOcfCodesUpToSeven() {
        assertThat(ExitCodeMapping.lsb(Action.START, 0)).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.lsb(Action.START, 5)).isEqualTo(Outcome.ERR_INSTALLED);
        assertThat(ExitCodeMapping.lsb(Action.STOP, 1)).isEqualTo(Outcome.ERR_GENERIC);
        assertThat(ExitCodeMapping.lsb(Action.START, 8)).isEqualTo(Outcome.ERR_GENERIC);
    }

    @Test
    void heartbeatStatusIsReadFromStdout() {
        assertThat(ExitCodeMapping.heartbeat(Action.MONITOR, 0, "httpd is running\n")).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.heartbeat(Action.MONITOR, 0, "OK\n")).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.heartbeat(Action.MONITOR, 0, "httpd is not running\n"))
                .isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.heartbeat(Action.MONITOR, 3, "Running\n")).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.heartbeat(Action.MONITOR, 0, "")).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.heartbeat(Action.START, 0, "")).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.heartbeat(Action.STOP, 1, "")).isEqualTo(Outcome.ERR_GENERIC);
    }

    @Test
    void systemdIsActiveStates() {
        assertThat(ExitCodeMapping.systemd(Action.MONITOR, 0, "active\n")).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.systemd(Action.MONITOR, 0, "reloading\n")).isEqualTo(Outcome.SUCCESS);
        assertThat(ExitCodeMapping.systemd(Action.MONITOR, 3, "inactive\n")).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.systemd(Action.MONITOR, 3, "failed\n")).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(ExitCodeMapping.systemd(Action.MONITOR, 3, "activating\n")).isEqualTo(Outcome.ERR_GENERIC);
        assertThat(ExitCodeMapping.systemd(Action.MONITOR, 1, "")).isEqualTo(Outcome.ERR_GENERIC);
        assertThat(ExitCodeMapping.systemd(Action.START, 5, "")).isEqualTo(Outcome.ERR_INSTALLED);
        assertThat(ExitCodeMapping.systemd(Action.STOP, 0, "")).isEqualTo(Outcome.SUCCESS);
    }
}
