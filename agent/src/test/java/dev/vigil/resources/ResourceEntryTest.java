package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The return code a node's report carries for alerts' CRM_alert_rc: what Pacemaker would report. */
class ResourceEntryTest {

    private static OperationResult result(Outcome outcome, OptionalInt exit) {
        return new OperationResult(outcome, exit, Duration.ofMillis(5), "", "", Optional.empty());
    }

    @Test
    void anOutcomeWithAnOcfCodeReportsThatCode() {
        assertThat(ResourceEntry.ocfRc(result(Outcome.SUCCESS, OptionalInt.of(0)))).isZero();
        assertThat(ResourceEntry.ocfRc(result(Outcome.NOT_RUNNING, OptionalInt.of(7)))).isEqualTo(7);
        assertThat(ResourceEntry.ocfRc(result(Outcome.FAILED_PROMOTED, OptionalInt.of(9)))).isEqualTo(9);
        assertThat(ResourceEntry.ocfRc(result(Outcome.DEGRADED, OptionalInt.of(190)))).isEqualTo(190);
        // An LSB script's status 3 was mapped to OCF terms already: not running.
        assertThat(ResourceEntry.ocfRc(result(Outcome.NOT_RUNNING, OptionalInt.of(3)))).isEqualTo(7);
        assertThat(ResourceEntry.ocfRc(OperationResult.withoutRunning(Outcome.ERR_INSTALLED, "no agent"))).isEqualTo(5);
    }

    @Test
    void aTimeoutASignalOrAnUndefinedCodeIsAGenericError() {
        assertThat(ResourceEntry.ocfRc(result(Outcome.TIMED_OUT, OptionalInt.empty()))).isEqualTo(1);
        assertThat(ResourceEntry.ocfRc(result(Outcome.UNKNOWN_EXIT_CODE, OptionalInt.of(137)))).isEqualTo(1);
        assertThat(ResourceEntry.ocfRc(result(Outcome.UNKNOWN_EXIT_CODE, OptionalInt.of(42)))).isEqualTo(1);
    }
}
