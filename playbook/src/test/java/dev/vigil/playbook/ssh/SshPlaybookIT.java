package dev.vigil.playbook.ssh;


import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.PlaybookReader;
import dev.vigil.playbook.Report;
import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Playbooks over SSH through a real OpenSSH server: the same steps give the same results as on
 * {@link LocalHost}; an unreachable host fails with the reason while the others go on; a host
 * that vanishes or freezes mid-run fails its step within the step's bounds.
 */
@Tag("integration")
class SshPlaybookIT {
    @TempDir
    Path dir;

    static final String STEPS = """
            vars:
              root: {type: path}
            steps:
              - directory: {path: "{{root}}/{{host}}/conf", mode: "0750"}
              - file: {path: "{{root}}/{{host}}/conf/app.conf", content: "port = 80\\nname = app\\n", mode: "0640"}
              - line: {path: "{{root}}/{{host}}/conf/extra.conf", line: "x = 1", create: true, mode: "0600"}
              - line: {path: "{{root}}/{{host}}/conf/extra.conf", regexp: "^port", line: "port = 8080", create: true}
              - command: {cmd: "echo ran > {{root}}/{{host}}/marker", creates: "{{root}}/{{host}}/marker"}
            """;

    private Inventory inventory(Sshd sshd, int closedPort) throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, sshd.knownHostsLine());
        Path inv = dir.resolve("inventory.yaml");
        Files.writeString(inv, "ssh: {key: " + sshd.clientKey + ", known_hosts: " + kh + "}\n"
                + "hosts:\n"
                + "  ha1: {address: 127.0.0.1, ssh: {port: " + sshd.port + "}}\n"
                + "  ha2: {address: 127.0.0.1, ssh: {port: " + closedPort + "}}\n");
        var r = Inventory.read(inv);
        assertThat(r.errors()).isEmpty();
        return r.inventory().orElseThrow();
    }

    private Playbook playbook(String hosts, String steps, Inventory inv) throws Exception {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, "name: over ssh\nhosts: " + hosts + "\n" + steps);
        var r = PlaybookReader.read(p, inv);
        assertThat(r.errors()).isEmpty();
        return r.playbook().orElseThrow();
    }

    private Report run(Playbook pb, Connections c, boolean apply) {
        return Engine.run(pb, Map.of("root", dir.resolve("t").toString()), c.hosts(), apply, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE);
    }

    /** Each step's status and message, the host's name taken out. */
    private static List<String> outline(Report r, String host) {
        return r.hosts().get(host).steps().stream()
                .map(s -> s.status() + " " + s.message().replace("/" + host + "/", "/H/") + " " + s.diff().replace("/" + host + "/", "/H/"))
                .toList();
    }

    /** Relative path to content and mode, for a tree. */
    private static Map<String, String> tree(Path root) throws Exception {
        var m = new TreeMap<String, String>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String mode = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                m.put(root.relativize(p).toString(), mode + (Files.isRegularFile(p) ? " " + Files.readString(p).replace(root.getFileName().toString(), "H") : ""));
            }
        }
        return m;
    }

    @Test
    void theSameStepsGiveTheSameResultsOverSshAndAnUnreachableHostFailsAlone() throws Exception {
        try (var sshd = Sshd.start(Files.createDirectories(dir.resolve("server")))) {
            var inv = inventory(sshd, Sshd.freePort());
            var pb = playbook("[local, ha1, ha2]", STEPS, inv);
            try (var c = Connections.open(inv, pb.hosts(), e -> SshTarget.of(e, false, dir))) {
                assertThat(c.unreachable()).containsOnlyKeys("ha2");
                assertThat(c.unreachable().get("ha2")).contains("connection refused");

                var plan = run(pb, c, false);
                assertThat(outline(plan, "ha1")).isEqualTo(outline(plan, "local"));
                assertThat(dir.resolve("t")).doesNotExist();

                var apply = run(pb, c, true);
                assertThat(outline(apply, "ha1")).isEqualTo(outline(apply, "local"));
                assertThat(apply.hosts().get("ha1").changed()).isEqualTo(5);
                assertThat(apply.hosts().get("ha1").failed()).isZero();
                var ha2 = apply.hosts().get("ha2");
                // Counted as Ansible does: unreachable, not failed (the run still exits 1).
                assertThat(ha2.unreachable()).isEqualTo(1);
                assertThat(apply.anyFailed()).isTrue();
                assertThat(ha2.steps().get(0).message()).contains("ha2 unreachable").contains("connection refused");
                assertThat(tree(dir.resolve("t/ha1"))).isEqualTo(tree(dir.resolve("t/local")));

                var again = run(pb, c, true);
                assertThat(again.hosts().get("ha1").changed()).as(again.toJson()).isZero();
                assertThat(again.hosts().get("local").changed()).isZero();
                assertThat(outline(again, "ha1")).isEqualTo(outline(again, "local"));
            }
        }
    }

    @Test
    void aHostKilledMidRunFailsItsStepAtOnce() throws Exception {
        try (var sshd = Sshd.start(Files.createDirectories(dir.resolve("server")))) {
            var inv = inventory(sshd, Sshd.freePort());
            var pb = playbook("[ha1]", """
                    steps:
                      - command: {cmd: "sleep 120", timeout: 60s}
                      - directory: {path: /tmp/never}
                    """, inv);
            try (var c = Connections.open(inv, pb.hosts(), e -> SshTarget.of(e, false, dir))) {
                var killer = new Thread(() -> {
                    try {
                        waitForSleep(sshd);
                        sshd.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                killer.start();
                long start = System.nanoTime();
                var r = run(pb, c, true);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                killer.join(30_000);
                var steps = r.hosts().get("ha1").steps();
                assertThat(steps).hasSize(1);
                assertThat(steps.get(0).status()).isEqualTo("failed");
                assertThat(steps.get(0).message()).contains("ha1").contains("connection lost");
                assertThat(took).as("well within the step's 60s timeout").isLessThan(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void aFrozenHostFailsItsStepWithinTheStepsTimeout() throws Exception {
        var took = frozenDuring("3s", "no answer");
        assertThat(took).isLessThan(Duration.ofSeconds(3).plus(SshHost.GRACE).plusSeconds(2));
    }

    @Test
    void aFrozenHostIsFoundByKeepalivesLongBeforeALongStepsTimeout() throws Exception {
        var took = frozenDuring("120s", "connection lost");
        // 3 unanswered keepalives, one every 5 s, and one more period for the first to go out
        assertThat(took).isLessThan(SshConnect.KEEPALIVE.multipliedBy(SshConnect.KEEPALIVE_MISSES + 2));
    }

    /** Runs a long command, freezes the host (SIGSTOP to its sshd) once it runs; how long until the step failed. */
    private Duration frozenDuring(String stepTimeout, String message) throws Exception {
        try (var sshd = Sshd.start(Files.createDirectories(dir.resolve("server")))) {
            var inv = inventory(sshd, Sshd.freePort());
            var pb = playbook("[ha1]", """
                    steps:
                      - command: {cmd: "sleep 120", timeout: %s}
                    """.formatted(stepTimeout), inv);
            try (var c = Connections.open(inv, pb.hosts(), e -> SshTarget.of(e, false, dir))) {
                var freezer = new Thread(() -> {
                    try {
                        waitForSleep(sshd);
                        signal(sshd, "-STOP");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                freezer.start();
                long start = System.nanoTime();
                try {
                    var r = run(pb, c, true);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    var step = r.hosts().get("ha1").steps().get(0);
                    assertThat(step.status()).isEqualTo("failed");
                    assertThat(step.message()).contains("ha1").contains("connection lost").contains(message);
                    return took;
                } finally {
                    freezer.join(30_000);
                    signal(sshd, "-CONT");
                }
            }
        }
    }

    /** Until the host runs the step's {@code sleep} (bounded). */
    private static void waitForSleep(Sshd sshd) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            boolean running = sshd.sessions().stream()
                    .anyMatch(p -> p.info().commandLine().orElse("").contains("sleep 120"));
            if (running) return;
            Thread.sleep(50);
        }
        throw new AssertionError("the command never started");
    }

    /** Sends a signal to sshd's session processes (not the command they run: the host, not the step, freezes). */
    private static void signal(Sshd sshd, String sig) throws Exception {
        for (var p : sshd.sessions()) {
            if (p.info().command().orElse("").endsWith("sshd")) {
                new ProcessBuilder("kill", sig, Long.toString(p.pid())).start().waitFor();
            }
        }
    }

}
