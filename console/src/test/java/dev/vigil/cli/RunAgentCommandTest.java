package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil run-agent} against a scripted agent: what reaches it, and what comes back. */
class RunAgentCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @BeforeEach
    void writeAgent() throws Exception {
        // An OCF agent that echoes what it got and answers with the code it is told to.
        var agent = dir.resolve("scripts/Probe");
        Files.createDirectories(agent.getParent());
        Files.writeString(agent, """
                #!/bin/sh
                echo "action=$1 instance=$OCF_RESOURCE_INSTANCE colour=$OCF_RESKEY_colour timeout=$OCF_RESKEY_CRM_meta_timeout"
                [ -n "$OCF_RESKEY_sleep" ] && sleep "$OCF_RESKEY_sleep"
                [ "$OCF_RESKEY_rc" != 0 ] && echo "ocf-exit-reason:told to fail with $OCF_RESKEY_rc" >&2
                exit "$OCF_RESKEY_rc"
                """);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private int run(String... args) {
        var argv = new java.util.ArrayList<String>(java.util.List.of("run-agent"));
        argv.addAll(java.util.List.of(args));
        argv.addAll(java.util.List.of("--scripts", dir.resolve("scripts").toString()));
        return VigilCommand.run(argv.toArray(String[]::new));
    }

    @Test
    void passesParametersAndReturnsTheAgentsExitCode() {
        int rc = run("ocf:vigil:Probe", "start", "-p", "colour=blue", "-p", "rc=0", "--timeout", "7s", "--id", "web-ip");

        assertThat(rc).isZero();
        assertThat(io.out.toString()).contains("outcome: SUCCESS", "exit code: 0",
                "action=start instance=web-ip colour=blue timeout=7000");
    }

    @Test
    void notRunningIsSevenWithTheReason() {
        int rc = run("ocf:vigil:Probe", "monitor", "-p", "rc=7");

        assertThat(rc).isEqualTo(7);
        assertThat(io.out.toString()).contains("outcome: NOT_RUNNING", "exit reason: told to fail with 7",
                "instance=probe");
    }

    @Test
    void aTimedOutAgentIsKilledAndTheCommandFails() {
        int rc = run("ocf:vigil:Probe", "start", "-p", "rc=0", "-p", "sleep=30", "--timeout", "300ms");

        assertThat(rc).isEqualTo(1);
        assertThat(io.out.toString()).contains("outcome: TIMED_OUT", "exit code: none");
    }

    @Test
    void aMissingAgentIsNotInstalled() {
        int rc = run("ocf:vigil:NoSuchAgent", "start");

        assertThat(rc).isEqualTo(5);
        assertThat(io.out.toString()).contains("outcome: ERR_INSTALLED");
    }

    @Test
    void badInputIsRefusedBeforeAnythingRuns() {
        assertThat(run("ocf:vigil:Probe", "start", "-p", "noequals")).isEqualTo(2);
        assertThat(io.err.toString()).contains("'noequals' is not KEY=VALUE");
        assertThat(run("ocf:vigil:Probe", "launch")).isEqualTo(2);
        assertThat(io.err.toString()).contains("unknown action 'launch'");
        assertThat(run("ocf:Probe", "start")).isEqualTo(2);
        assertThat(io.err.toString()).contains("ocf:provider:type");
        assertThat(run("ocf:vigil:Probe", "start", "--timeout", "soon")).isEqualTo(2);
        assertThat(io.err.toString()).contains("'soon' is not a duration");
    }
}
