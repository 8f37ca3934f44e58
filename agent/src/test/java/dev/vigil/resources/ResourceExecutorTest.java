package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.ResourceAgentRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs small shell scripts as agents of every class; needs only /bin/sh and util-linux setsid. */
class ResourceExecutorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private Path ocfRoot;
    private ResourceExecutor executor;

    @BeforeEach
    void setUp() throws IOException {
        ocfRoot = Files.createDirectories(dir.resolve("ocf"));
        Files.createDirectories(ocfRoot.resolve("resource.d/test"));
        Files.createDirectories(dir.resolve("vigil"));
        Files.createDirectories(dir.resolve("init.d"));
        Files.createDirectories(dir.resolve("ha.d"));
        Files.createDirectories(dir.resolve("bin"));
        executor = new ResourceExecutor(settings());
    }

    private ExecutorSettings settings() {
        return ExecutorSettings.defaults(dir.resolve("vigil"))
                .withOcfRoot(ocfRoot)
                .withRscTmpDir(dir.resolve("rsctmp"))
                .withInitDir(dir.resolve("init.d"))
                .withHeartbeatDir(dir.resolve("ha.d"))
                // Fake commands (systemctl) come first, as they would be found on a real PATH.
                .withPath(dir.resolve("bin") + ":/usr/sbin:/usr/bin:/sbin:/bin")
                .withKillGrace(Duration.ofMillis(300));
    }

    @AfterEach
    void tearDown() {
        executor.close();
    }

    private Path script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private Path ocfAgent(String name, String body) throws IOException {
        return script(ocfRoot.resolve("resource.d/test").resolve(name), body);
    }

    @Test
    void ocfAgentGetsItsEnvironment() throws IOException {
        ocfAgent("Env", "env | grep -E '^(OCF_|HA_RSCTMP)' | sort; echo \"action=$1\"; exit 0");
        OperationRequest request = new OperationRequest("web-ip", ResourceAgentRef.parse("ocf:test:Env"),
                Action.MONITOR, Map.of("ip", "10.0.0.1", "cidr_netmask", "24"), Duration.ofSeconds(20),
                Duration.ofSeconds(10), Map.of("target-role", "Started"));

        OperationResult result = executor.execute(request);

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.exitCode()).hasValue(0);
        assertThat(result.stdoutTail().lines()).contains(
                "OCF_ROOT=" + ocfRoot,
                "OCF_RA_VERSION_MAJOR=1",
                "OCF_RA_VERSION_MINOR=1",
                "OCF_RESOURCE_INSTANCE=web-ip",
                "OCF_RESOURCE_TYPE=Env",
                "OCF_RESOURCE_PROVIDER=test",
                "OCF_RESKEY_ip=10.0.0.1",
                "OCF_RESKEY_cidr_netmask=24",
                "OCF_RESKEY_CRM_meta_timeout=20000",
                "OCF_RESKEY_CRM_meta_interval=10000",
                "OCF_RESKEY_CRM_meta_target_role=Started",
                "HA_RSCTMP=" + dir.resolve("rsctmp"),
                "action=monitor");
    }

    @Test
    void probeIsMonitorWithIntervalZero() throws IOException {
        ocfAgent("Env", "echo \"$1 $OCF_RESKEY_CRM_meta_interval\"");
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Env"),
                Action.PROBE, Map.of(), TIMEOUT));
        assertThat(result.stdoutTail()).isEqualTo("monitor 0\n");
    }

    @Test
    void metaDataAndValidateAllArePassedThrough() throws IOException {
        ocfAgent("Env", "echo \"$1\"");
        ResourceAgentRef ref = ResourceAgentRef.parse("ocf:test:Env");
        assertThat(executor.execute(OperationRequest.of("r", ref, Action.META_DATA, Map.of(), TIMEOUT)).stdoutTail())
                .isEqualTo("meta-data\n");
        assertThat(executor.execute(OperationRequest.of("r", ref, Action.VALIDATE_ALL, Map.of(), TIMEOUT))
                .stdoutTail()).isEqualTo("validate-all\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 190, 191})
    void ocfExitCodesMapToOutcomes(int code) throws IOException {
        ocfAgent("Exit", "exit " + code);
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Exit"),
                Action.START, Map.of(), TIMEOUT));
        assertThat(result.exitCode()).hasValue(code);
        assertThat(result.outcome().ocfCode()).hasValue(code);
    }

    @Test
    void unknownExitCodeIsCarriedRaw() throws IOException {
        ocfAgent("Exit", "exit 42");
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Exit"),
                Action.START, Map.of(), TIMEOUT));
        assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_EXIT_CODE);
        assertThat(result.exitCode()).hasValue(42);
    }

    /** Issue 19 item 12: an agent killed by a signal is reported as such, and exit -1 plainly. */
    @Test
    void aSignalKilledAgentIsReportedByItsSignalAndExitMinusOnePlainly() throws IOException {
        ocfAgent("Killed", "kill -9 $$");
        OperationResult killed = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Killed"),
                Action.MONITOR, Map.of(), TIMEOUT));
        assertThat(killed.exitCode()).hasValue(137); // the JDK's 128+n for a process that died of signal n
        assertThat(LocalResourceManager.describe(killed)).isEqualTo("killed by SIGKILL (exit 137)");

        ocfAgent("Term", "kill -TERM $$");
        OperationResult termed = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Term"),
                Action.MONITOR, Map.of(), TIMEOUT));
        assertThat(LocalResourceManager.describe(termed)).isEqualTo("killed by SIGTERM (exit 143)");

        ocfAgent("Minus", "exit 255");
        OperationResult minus = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Minus"),
                Action.MONITOR, Map.of(), TIMEOUT));
        assertThat(LocalResourceManager.describe(minus)).isEqualTo("exit code 255 (exit -1), which OCF does not define");

        ocfAgent("Generic", "exit 1");
        OperationResult generic = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Generic"),
                Action.MONITOR, Map.of(), TIMEOUT));
        assertThat(LocalResourceManager.describe(generic)).isEqualTo("ERR_GENERIC (rc 1)");
    }

    @Test
    void exitReasonIsTakenFromStderr() throws IOException {
        ocfAgent("Reason", """
                echo "some noise" >&2
                echo "ocf-exit-reason:first try" >&2
                echo "${OCF_EXIT_REASON_PREFIX}Address 10.0.0.999 is not valid" >&2
                exit 6""");
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Reason"),
                Action.START, Map.of(), TIMEOUT));
        assertThat(result.outcome()).isEqualTo(Outcome.ERR_CONFIGURED);
        assertThat(result.exitReason()).hasValue("Address 10.0.0.999 is not valid");
        assertThat(result.stderrTail()).startsWith("some noise\n");
    }

    @Test
    void outputTailIsBounded() throws IOException {
        ocfAgent("Chatty", "i=0; while [ $i -lt 3000 ]; do echo \"line $i\"; i=$((i+1)); done");
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Chatty"),
                Action.START, Map.of(), TIMEOUT));
        assertThat(result.stdoutTail()).hasSize(ResourceExecutor.TAIL_CHARS).endsWith("line 2999\n");
    }

    @Test
    void missingAgentIsNotInstalled() {
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:test:Nope"),
                Action.START, Map.of(), TIMEOUT));
        assertThat(result.outcome()).isEqualTo(Outcome.ERR_INSTALLED);
        assertThat(result.exitCode()).isEmpty();
        assertThat(result.exitReason()).hasValueSatisfying(r -> assertThat(r).contains("ocf:test:Nope"));
    }

    @Test
    void vigilProviderIsFoundInVigilScripts() throws IOException {
        script(dir.resolve("vigil/IPaddr"), "echo \"$OCF_RESOURCE_PROVIDER $OCF_ROOT\"");
        OperationResult result = executor.execute(OperationRequest.of("r", ResourceAgentRef.parse("ocf:vigil:IPaddr"),
                Action.MONITOR, Map.of(), TIMEOUT));
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(result.stdoutTail()).isEqualTo("vigil " + ocfRoot + "\n");
    }

    @Test
    void hungAgentIsTimedOutAndItsWholeSessionKilled() throws IOException {
        // Ignores SIGTERM (inherited by its children) so that the escalation to SIGKILL is needed,
        // and leaves a grandchild that would be orphaned if only the agent were killed.
        ocfAgent("Hang", """
                trap '' TERM
                echo $$ > "$OCF_RESKEY_dir/session"
                sh -c 'sleep 300 & echo $! > "$OCF_RESKEY_dir/grandchild"; wait' &
                wait""");
        Duration timeout = Duration.ofMillis(700);
        long before = System.nanoTime();

        OperationResult result = executor.execute(OperationRequest.of("hung", ResourceAgentRef.parse("ocf:test:Hang"),
                Action.START, Map.of("dir", dir.toString()), timeout));

        Duration took = Duration.ofNanos(System.nanoTime() - before);
        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.exitCode()).isEmpty();
        assertThat(took).isLessThan(timeout.plus(Duration.ofMillis(300)).plus(Duration.ofSeconds(2)));
        long session = Long.parseLong(Files.readString(dir.resolve("session")).strip());
        long grandchild = Long.parseLong(Files.readString(dir.resolve("grandchild")).strip());
        assertThat(ProcessSession.of(session).members()).isEmpty();
        assertThat(alive(grandchild)).isFalse();
    }

    /** Alive unless gone from /proc or a zombie (PID 1 in a container may never reap it). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void backgroundDaemonOfASuccessfulStartSurvivesAndDoesNotBlock() throws IOException {
        ocfAgent("Daemon", """
                sleep 30 &
                echo $! > "$OCF_RESKEY_dir/daemon"
                exit 0""");
        long before = System.nanoTime();
        OperationResult result = executor.execute(OperationRequest.of("d", ResourceAgentRef.parse("ocf:test:Daemon"),
                Action.START, Map.of("dir", dir.toString()), TIMEOUT));
        long daemon = Long.parseLong(Files.readString(dir.resolve("daemon")).strip());
        try {
            assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
            assertThat(alive(daemon)).isTrue();
        } finally {
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * IPaddr2's send_arp keeps the agent's stdout for a second: the result must come when the
     * agent exits (its exit code is the result), and what it wrote before must be in it.
     */
    @Test
    void resultArrivesWhenTheAgentExitsThoughABackgroundChildHoldsItsOutput() throws Exception {
        ocfAgent("Holder", """
                echo $$ > "$OCF_RESKEY_dir/agent"
                echo "started the address"
                ocf_exit_reason() { echo "ocf-exit-reason:$*" >&2; }
                ocf_exit_reason "told before exit"
                sleep 5 &
                echo $! > "$OCF_RESKEY_dir/child"
                exit 0""");
        var future = executor.submit(OperationRequest.of("h", ResourceAgentRef.parse("ocf:test:Holder"),
                Action.START, Map.of("dir", dir.toString()), TIMEOUT));
        var completedAt = future.thenApply(r -> System.nanoTime());
        Path pidFile = dir.resolve("agent");
        long pollUntil = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) {
            assertThat(System.nanoTime()).as("the agent wrote its pid").isLessThan(pollUntil);
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        long agent = Long.parseLong(Files.readString(pidFile).strip());
        while (alive(agent)) {
            assertThat(System.nanoTime()).as("the agent exits").isLessThan(pollUntil);
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        long exitedAt = System.nanoTime();

        OperationResult result = future.join();
        long child = Long.parseLong(Files.readString(dir.resolve("child")).strip());
        try {
            assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(result.stdoutTail()).contains("started the address");
            assertThat(result.exitReason()).hasValue("told before exit");
            assertThat(alive(child)).as("the background child still runs").isTrue();
            // The issue's bound: within 20 ms of the exit, where waiting for the pipe took 5 s.
            assertThat(Duration.ofNanos(completedAt.join() - exitedAt)).isLessThan(Duration.ofMillis(20));
        } finally {
            ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void lsbScriptsUseStatusCodes() throws IOException {
        Path state = dir.resolve("lsb-state");
        script(dir.resolve("init.d/myapp"), """
                case "$1" in
                  start) touch %1$s; exit 0 ;;
                  stop) rm -f %1$s; exit 0 ;;
                  status) [ -e %1$s ] && exit 0; exit 3 ;;
                  *) exit 2 ;;
                esac""".formatted(state));
        ResourceAgentRef ref = ResourceAgentRef.parse("lsb:myapp");
        assertThat(run("app", ref, Action.PROBE).outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(run("app", ref, Action.START).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("app", ref, Action.MONITOR).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("app", ref, Action.STOP).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("app", ref, Action.MONITOR).outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(run("app", ref, Action.META_DATA).outcome()).isEqualTo(Outcome.ERR_UNIMPLEMENTED);
    }

    @Test
    void heartbeatScriptsGetPositionalArgumentsAndReportStatusOnStdout() throws IOException {
        Path state = dir.resolve("hb-state");
        script(dir.resolve("ha.d/IPaddr"), """
                echo "$@" >> %2$s.args
                case "$3" in
                  start) touch %1$s ;;
                  stop) rm -f %1$s ;;
                  status) if [ -e %1$s ]; then echo "IPaddr $1 is running"; else echo "IPaddr $1 is not running"; fi ;;
                esac
                exit 0""".formatted(state, state));
        ResourceAgentRef ref = ResourceAgentRef.parse("heartbeat:IPaddr::10.0.0.1/24::eth0");
        assertThat(run("ip", ref, Action.PROBE).outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(run("ip", ref, Action.START).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("ip", ref, Action.MONITOR).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("ip", ref, Action.STOP).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(Files.readAllLines(Path.of(state + ".args")))
                .containsExactly("10.0.0.1/24 eth0 status", "10.0.0.1/24 eth0 start", "10.0.0.1/24 eth0 status",
                        "10.0.0.1/24 eth0 stop");
    }

    @Test
    void heartbeatFallsBackToInitDir() throws IOException {
        script(dir.resolve("init.d/httpd"), "echo OK");
        assertThat(run("w", ResourceAgentRef.parse("heartbeat:httpd"), Action.MONITOR).outcome())
                .isEqualTo(Outcome.SUCCESS);
    }

    /** Tests the systemctl command-line contract with a fake systemctl on PATH; no systemd needed. */
    @Test
    void systemdUnitsAreDrivenThroughSystemctl() throws IOException {
        Path state = dir.resolve("unit-state");
        Path calls = dir.resolve("systemctl.calls");
        script(dir.resolve("bin/systemctl"), """
                echo "$@" >> %2$s
                case "$1" in
                  start) touch %1$s ;;
                  stop) rm -f %1$s ;;
                  is-active) if [ -e %1$s ]; then echo active; else echo inactive; exit 3; fi ;;
                esac""".formatted(state, calls));
        ResourceAgentRef ref = ResourceAgentRef.parse("systemd:haproxy");
        assertThat(run("lb", ref, Action.PROBE).outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(run("lb", ref, Action.START).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("lb", ref, Action.MONITOR).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("lb", ref, Action.STOP).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(run("lb", ref, Action.VALIDATE_ALL).outcome()).isEqualTo(Outcome.ERR_UNIMPLEMENTED);
        assertThat(Files.readAllLines(calls))
                .containsExactly("is-active haproxy", "start haproxy", "is-active haproxy", "stop haproxy");
    }

    @Test
    void differentResourcesRunConcurrentlyOnExecutorThreads() throws IOException {
        // Each agent waits until both have started: passes only if they run at the same time.
        ocfAgent("Meet", """
                touch "$OCF_RESKEY_dir/$OCF_RESOURCE_INSTANCE"
                i=0
                while [ ! -e "$OCF_RESKEY_dir/a" ] || [ ! -e "$OCF_RESKEY_dir/b" ]; do
                  i=$((i+1)); [ $i -gt 100 ] && exit 1; sleep 0.05
                done""");
        ResourceAgentRef ref = ResourceAgentRef.parse("ocf:test:Meet");
        CompletableFuture<OperationResult> a = executor.submit(OperationRequest.of("a", ref, Action.START,
                Map.of("dir", dir.toString()), TIMEOUT));
        CompletableFuture<OperationResult> b = executor.submit(OperationRequest.of("b", ref, Action.START,
                Map.of("dir", dir.toString()), TIMEOUT));
        assertThat(a.join().outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(b.join().outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void operationsOnOneResourceRunInOrder() throws IOException {
        ocfAgent("Seq", """
                echo "begin $1" >> "$OCF_RESKEY_dir/seq"
                sleep 0.2
                echo "end $1" >> "$OCF_RESKEY_dir/seq\"""");
        ResourceAgentRef ref = ResourceAgentRef.parse("ocf:test:Seq");
        Map<String, String> params = Map.of("dir", dir.toString());
        CompletableFuture<OperationResult> start = executor.submit(OperationRequest.of("x", ref, Action.START, params, TIMEOUT));
        CompletableFuture<OperationResult> stop = executor.submit(OperationRequest.of("x", ref, Action.STOP, params, TIMEOUT));
        CompletableFuture.allOf(start, stop).join();
        assertThat(Files.readAllLines(dir.resolve("seq"))).containsExactly("begin start", "end start", "begin stop", "end stop");
    }

    @Test
    void operationsRunOnNamedExecutorThreads() throws IOException {
        // Long enough that the result is still pending when thenApply is attached, so it runs where the agent ran.
        ocfAgent("Ok", "sleep 0.5");
        String thread = executor.submit(OperationRequest.of("t", ResourceAgentRef.parse("ocf:test:Ok"), Action.START,
                Map.of(), TIMEOUT)).thenApply(r -> Thread.currentThread().getName()).join();
        assertThat(thread).startsWith("vigil-exec-");
    }

    private OperationResult run(String id, ResourceAgentRef ref, Action action) {
        return executor.execute(OperationRequest.of(id, ref, action, Map.of(), TIMEOUT));
    }
}
