package dev.vigil.playbook.steps;


import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code serial_test}'s verdicts from {@code vigil serial-test}'s exit codes and JSON, and its
 * parameters. The test over real pty pairs is the console's PlaybookClusterStepsIT (it needs the CLI).
 */
class SerialTestStepTest {
    @TempDir
    Path dir;

    private static Host.Exec sender(int exit, String verdict) {
        return new Host.Exec(exit, "{\"role\": \"sender\", \"verdict\": \"" + verdict + "\", \"explanation\": \"why\"}", false, false);
    }

    @Test
    void okPassesDegradedPassesOnlyWithMinDegradedNoLinkNever() throws Exception {
        var ok = SerialTestStep.judge(sender(0, "OK"), null, SerialTestStep.Min.OK, "a ↔ b");
        assertThat(ok.changed()).isFalse();
        assertThat(ok.message()).isEqualTo("OK a ↔ b: why");
        assertThatThrownBy(() -> SerialTestStep.judge(sender(1, "DEGRADED"), null, SerialTestStep.Min.OK, "a ↔ b"))
                .hasMessage("DEGRADED a ↔ b: why (the step needs OK)");
        assertThat(SerialTestStep.judge(sender(1, "DEGRADED"), null, SerialTestStep.Min.DEGRADED, "a ↔ b").message())
                .startsWith("DEGRADED");
        assertThatThrownBy(() -> SerialTestStep.judge(sender(2, "NO_LINK"), null, SerialTestStep.Min.DEGRADED, "a ↔ b"))
                .hasMessage("NO_LINK a ↔ b: why (the step needs DEGRADED or better)");
    }

    @Test
    void aSenderThatCouldNotRunIsSaidSo() {
        assertThatThrownBy(() -> SerialTestStep.judge(new Host.Exec(127, "sh: vigil: not found", false, false), null,
                SerialTestStep.Min.OK, "a ↔ b")).hasMessage("vigil serial-test could not run (exit 127): sh: vigil: not found");
        // exit 2 is also picocli's usage error: without the JSON it is not a verdict
        assertThatThrownBy(() -> SerialTestStep.judge(new Host.Exec(2, "Unknown option: '--bad'", false, false), null,
                SerialTestStep.Min.OK, "a ↔ b")).hasMessageContaining("could not run (exit 2)");
    }

    @Test
    void badParametersAndPeersFailBeforeAnythingRuns() throws Exception {
        var ha2 = new LocalHost("ha2");
        var ctx = new Step.Context(dir, Map.of(), Step.FileWatcher.NONE,
                n -> n.equals("ha2") ? Optional.of(ha2) : Optional.empty(), Duration.ofMinutes(1));
        Path dev = Files.createFile(dir.resolve("notadevice"));
        var step = Step.of("serial_test");
        var host = new LocalHost("ha1");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha1"), false, ctx)).hasMessageContaining("`peer` is this host");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha9"), false, ctx)).hasMessageContaining("`peer` ha9 is not a host of this run");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha2", "baud", "0"), false, ctx)).hasMessageContaining("`baud` must be");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha2", "min", "best"), false, ctx)).hasMessageContaining("`min` must be ok or degraded");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha2", "duration", "10ms"), false, ctx)).hasMessageContaining("at least 50ms");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha2", "device", dev.toString()), false, ctx))
                .hasMessage(dev + " on ha1 is not a device");
        assertThatThrownBy(() -> step.run(host, Map.of("peer", "ha2", "device", "/dev/null", "peer_device", dir.resolve("none").toString()), false, ctx))
                .hasMessage("no device " + dir.resolve("none") + " on ha2");
        assertThat(step.run(host, Map.of("peer", "ha2", "device", "/dev/null", "peer_device", "/dev/zero"), false, ctx).message())
                .isEqualTo("both devices exist; would test ha1:/dev/null ↔ ha2:/dev/zero for 5s");
    }
}
