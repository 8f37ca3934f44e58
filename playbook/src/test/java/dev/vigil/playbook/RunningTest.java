package dev.vigil.playbook;


import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.Facts;
import dev.vigil.playbook.steps.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the engine runs several hosts: in parallel within {@code forks}, {@code serial} batches,
 * {@code any_errors_fatal}, step timeouts, the report's host order, {@code when:} and facts.
 * The hosts are this machine under several names ({@link Named}); the steps write what they did
 * (timestamps, markers) into a temp directory, and the assertions read those, never the wall clock.
 */
class RunningTest {
    @TempDir
    Path dir;

    /** This machine under another name: several "hosts" without SSH. */
    static class Named implements Host {
        final String name;
        final Host local = new LocalHost("local");

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Exec shell(String command, Duration timeout) throws IOException {
            return local.shell(command, timeout);
        }

        @Override
        public Kind kind(String path) throws IOException {
            return local.kind(path);
        }

        @Override
        public byte[] read(String path, int limit) throws IOException {
            return local.read(path, limit);
        }

        @Override
        public void write(String path, byte[] content, Optional<Integer> mode) throws IOException {
            local.write(path, content, mode);
        }

        @Override
        public int mode(String path) throws IOException {
            return local.mode(path);
        }

        @Override
        public void chmod(String path, int mode) throws IOException {
            local.chmod(path, mode);
        }

        @Override
        public void mkdirs(String path, Optional<Integer> mode) throws IOException {
            local.mkdirs(path, mode);
        }

        @Override
        public List<String> list(String d, int limit) throws IOException {
            return local.list(d, limit);
        }

        @Override
        public void delete(String path) throws IOException {
            local.delete(path);
        }
    }

    /** Reads {@code yaml} (written for {@code hosts: [local]}) and runs it on {@code names} instead. */
    private Playbook playbook(String yaml, List<String> names, int serial, boolean fatal) throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, "name: t\nhosts: [local]\nvars:\n  d: {type: path}\n" + yaml);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        var pb = r.playbook().orElseThrow();
        return new Playbook(p, pb.name(), names, pb.vars(), pb.steps(), pb.handlers(), serial, fatal);
    }

    private Report run(Playbook pb, int forks, Engine.Listener listener) {
        var hosts = new LinkedHashMap<String, Host>();
        for (String n : pb.hosts()) hosts.put(n, new Named(n));
        return Engine.run(pb, Map.of("d", dir.toString()), hosts, true, Engine.newRunId(), Step.FileWatcher.NONE,
                listener, new Engine.Options(forks));
    }

    /** A step that logs when it starts and ends on each host, in nanoseconds of this machine's clock. */
    static final String LOG = """
            steps:
              - name: log
                command: {cmd: "date +%s%N > {{d}}/{{host}}.start; sleep 0.2; date +%s%N > {{d}}/{{host}}.end"}
            """;

    private long[] interval(String host) throws IOException {
        return new long[] {Long.parseLong(Files.readString(dir.resolve(host + ".start")).strip()),
                Long.parseLong(Files.readString(dir.resolve(host + ".end")).strip())};
    }

    private static boolean overlap(long[] a, long[] b) {
        return a[0] < b[1] && b[0] < a[1];
    }

    @Test
    void hostsRunInParallel() throws IOException {
        // Each host waits (at most 10 s) for every host to have started: only possible in parallel.
        // A start stamp is renamed into place, so a host that sees it can also read it.
        var pb = playbook("""
                steps:
                  - name: meet
                    command: {cmd: "date +%s%N > {{d}}/{{host}}.t; mv {{d}}/{{host}}.t {{d}}/{{host}}.start; i=0; while [ $i -lt 100 ] && ! { [ -e {{d}}/a.start ] && [ -e {{d}}/b.start ] && [ -e {{d}}/c.start ]; }; do sleep 0.1; i=$((i+1)); done; date +%s%N > {{d}}/{{host}}.end; [ $i -lt 100 ]"}
                """, List.of("a", "b", "c"), 0, false);
        var r = run(pb, 3, Engine.Listener.NONE);
        assertThat(r.anyFailed()).as(r.toJson()).isFalse();
        assertThat(overlap(interval("a"), interval("b"))).isTrue();
        assertThat(overlap(interval("b"), interval("c"))).isTrue();
    }

    @Test
    void forksBoundHowManyHostsRunAtOnce() throws IOException {
        var pb = playbook(LOG, List.of("a", "b", "c"), 0, false);
        var r = run(pb, 1, Engine.Listener.NONE);
        assertThat(r.anyFailed()).isFalse();
        assertThat(overlap(interval("a"), interval("b"))).isFalse();
        assertThat(overlap(interval("a"), interval("c"))).isFalse();
        assertThat(overlap(interval("b"), interval("c"))).isFalse();
    }

    @Test
    void serialOneNeverOverlapsAndKeepsTheOrder() throws IOException {
        var pb = playbook(LOG, List.of("c", "a", "b"), 1, false);
        var r = run(pb, 10, Engine.Listener.NONE);
        assertThat(r.anyFailed()).isFalse();
        long[] c = interval("c"), a = interval("a"), b = interval("b");
        assertThat(c[1]).isLessThan(a[0]); // batches in the playbook's order, one after the other
        assertThat(a[1]).isLessThan(b[0]);
        assertThat(r.hosts().keySet()).containsExactly("c", "a", "b");
    }

    @Test
    void serialTwoRunsBatchesOfTwo() throws IOException {
        var pb = playbook(LOG, List.of("a", "b", "c", "d"), 2, false);
        var r = run(pb, 10, Engine.Listener.NONE);
        assertThat(r.anyFailed()).isFalse();
        long[] a = interval("a"), b = interval("b"), c = interval("c"), d = interval("d");
        assertThat(Math.max(a[1], b[1])).isLessThan(Math.min(c[0], d[0]));
    }

    @Test
    void theReportKeepsThePlaybooksHostOrderWhateverOrderTheyFinishIn() throws IOException {
        // z is slow, a is fast: a finishes first, the report still starts with z.
        var pb = playbook("""
                steps:
                  - command: {cmd: "[ {{host}} = a ] || { i=0; while [ ! -e {{d}}/a.done ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; }"}
                """, List.of("z", "a"), 0, false);
        var finished = new ArrayList<String>();
        var r = run(pb, 2, new Engine.Listener() {
            @Override
            public void stepDone(String host, Report.StepResult result) {}

            @Override
            public synchronized void hostDone(Report.HostReport report) {
                finished.add(report.host());
                if (report.host().equals("a")) {
                    try {
                        Files.writeString(dir.resolve("a.done"), "");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        });
        assertThat(finished).containsExactly("a", "z");
        assertThat(r.hosts().keySet()).containsExactly("z", "a");
        assertThat(r.toJson().indexOf("\"z\"")).isLessThan(r.toJson().indexOf("\"a\""));
    }

    @Test
    void aFailedHostStopsWhileTheOthersGoOn() throws IOException {
        var pb = playbook("""
                steps:
                  - command: {cmd: "[ {{host}} != b ]"}
                  - command: {cmd: "touch {{d}}/{{host}}.second"}
                """, List.of("a", "b", "c"), 0, false);
        var r = run(pb, 3, Engine.Listener.NONE);
        assertThat(r.hosts().get("b").failed()).isEqualTo(1);
        assertThat(r.hosts().get("b").steps()).hasSize(1);
        assertThat(dir.resolve("a.second")).exists();
        assertThat(dir.resolve("c.second")).exists();
        assertThat(dir.resolve("b.second")).doesNotExist();
        assertThat(r.stopped()).isEmpty();
    }

    @Test
    void anyErrorsFatalStopsEveryHostAndSaysWhichFailed() throws IOException {
        // b fails at once; a and c wait in their first step until the engine has heard of b's failure.
        var pb = playbook("""
                steps:
                  - command: {cmd: "touch {{d}}/{{host}}.began; if [ {{host}} = b ]; then j=0; while ! { [ -e {{d}}/a.began ] && [ -e {{d}}/c.began ]; } && [ $j -lt 100 ]; do sleep 0.1; j=$((j+1)); done; exit 1; fi; i=0; while [ ! -e {{d}}/b.failed ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done"}
                  - command: {cmd: "touch {{d}}/{{host}}.second"}
                """, List.of("a", "b", "c"), 0, true);
        var r = run(pb, 3, (host, result) -> {
            if (result.status().equals("failed")) {
                try {
                    Files.writeString(dir.resolve(host + ".failed"), "");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertThat(r.hosts().get("b").failed()).isEqualTo(1);
        assertThat(r.hosts().get("a").steps()).singleElement().extracting(Report.StepResult::status).isEqualTo("changed");
        assertThat(r.hosts().get("c").steps()).singleElement().extracting(Report.StepResult::status).isEqualTo("changed");
        assertThat(dir.resolve("a.second")).doesNotExist();
        assertThat(dir.resolve("c.second")).doesNotExist();
        assertThat(r.stopped()).hasValueSatisfying(s -> assertThat(s).startsWith("b failed at `command touch "));
        assertThat(r.recap()).contains("STOPPED: b failed");
        assertThat(r.toJson()).contains("\"stopped\" : \"b failed");
        assertThat(r.anyFailed()).isTrue();
    }

    @Test
    void anyErrorsFatalWithSerialStartsNoLaterBatch() throws IOException {
        var pb = playbook("""
                steps:
                  - command: {cmd: "touch {{d}}/{{host}}.ran; [ {{host}} != a ]"}
                """, List.of("a", "b"), 1, true);
        var r = run(pb, 10, Engine.Listener.NONE);
        assertThat(dir.resolve("b.ran")).doesNotExist();
        assertThat(r.hosts().get("b").steps()).isEmpty();
        assertThat(r.stopped()).hasValueSatisfying(s -> assertThat(s).startsWith("a failed"));
    }

    @Test
    void aSerialBatchThatFailedEntirelyStopsTheRollingChange() throws IOException {
        var pb = playbook("""
                steps:
                  - command: {cmd: "touch {{d}}/{{host}}.ran; [ {{host}} != a ] && [ {{host}} != b ]"}
                """, List.of("a", "b", "c"), 2, false);
        var r = run(pb, 10, Engine.Listener.NONE);
        assertThat(dir.resolve("c.ran")).doesNotExist();
        assertThat(r.stopped()).hasValueSatisfying(s -> assertThat(s).contains("every host of the batch a, b failed"));
    }

    @Test
    void aStepRunningPastItsTimeoutFails() throws IOException {
        var pb = playbook("""
                steps:
                  - name: slow
                    command: {cmd: "sleep 30"}
                    timeout: 1s
                  - command: {cmd: "touch {{d}}/{{host}}.after"}
                """, List.of("a"), 0, false);
        var times = new ConcurrentHashMap<String, Long>();
        var r = run(pb, 1, timing(times));
        var slow = r.hosts().get("a").steps().get(0);
        assertThat(slow.status()).isEqualTo("failed");
        assertThat(slow.message()).startsWith("timed out after 1s");
        assertThat(r.hosts().get("a").steps()).hasSize(1);
        assertThat(dir.resolve("a.after")).doesNotExist();
        // The bound follows from the timeout: it ended within twice its timeout, not after the 30 s sleep.
        assertThat(Duration.ofNanos(times.get("done:slow") - times.get("start:slow"))).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aHostCallThatIgnoresItsTimeoutCannotHangTheRun() throws IOException {
        var pb = playbook("""
                steps:
                  - name: stuck
                    command: {cmd: "true"}
                    timeout: 1s
                """, List.of("a"), 0, false);
        var release = new CountDownLatch(1);
        Host stuck = new Named("a") {
            @Override
            public Exec shell(String command, Duration timeout) throws IOException {
                if (command.equals("true")) {
                    // Misbehaves: waits, deaf to interrupts and to its timeout, until the test ends.
                    while (release.getCount() > 0) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            // ignored on purpose
                        }
                    }
                }
                return super.shell(command, timeout);
            }
        };
        var times = new ConcurrentHashMap<String, Long>();
        try {
            var r = Engine.run(pb, Map.of("d", dir.toString()), Map.of("a", stuck), true, Engine.newRunId(),
                    Step.FileWatcher.NONE, timing(times), Engine.Options.DEFAULTS);
            var step = r.hosts().get("a").steps().get(0);
            assertThat(step.status()).isEqualTo("failed");
            assertThat(step.message()).isEqualTo("timed out after 1s");
            // Twice the timeout: the run went on although the step's thread is still stuck.
            assertThat(Duration.ofNanos(times.get("done:stuck") - times.get("start:stuck"))).isLessThan(Duration.ofSeconds(2));
        } finally {
            release.countDown();
        }
    }

    private static Engine.Listener timing(Map<String, Long> times) {
        return new Engine.Listener() {
            @Override
            public void stepStarted(String host, String step) {
                times.put("start:" + step, System.nanoTime());
            }

            @Override
            public void stepDone(String host, Report.StepResult result) {
                times.put("done:" + result.name(), System.nanoTime());
            }
        };
    }

    @Test
    void whenSkipsAStepPerHostAndTheReportCountsIt() throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                name: t
                hosts: [local]
                vars:
                  d: {type: path}
                  primaries: {type: nodes, default: [a]}
                  extra: {type: bool, default: false}
                steps:
                  - name: primary only
                    command: {cmd: "touch {{d}}/{{host}}.primary"}
                    when: host in primaries and facts.os_family != windows
                  - name: extra
                    command: {cmd: "touch {{d}}/{{host}}.extra"}
                    when: extra
                    notify: h
                handlers:
                  - name: h
                    command: {cmd: "true"}
                """);
        var read = PlaybookReader.read(p, Inventory.localOnly());
        assertThat(read.errors()).isEmpty();
        var pb0 = read.playbook().orElseThrow();
        var pb = new Playbook(p, "t", List.of("a", "b"), pb0.vars(), pb0.steps(), pb0.handlers(), 0, false);
        var v = Vars.resolve(pb, Optional.empty());
        var values = new LinkedHashMap<>(v.values());
        values.put("d", dir.toString());
        var r = Engine.run(pb, values, Map.of("a", new Named("a"), "b", new Named("b")), true, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE);
        assertThat(dir.resolve("a.primary")).exists();
        assertThat(dir.resolve("b.primary")).doesNotExist();
        assertThat(r.hosts().get("a").changed()).isEqualTo(1);
        assertThat(r.hosts().get("a").skipped()).isEqualTo(1);
        assertThat(r.hosts().get("b").skipped()).isEqualTo(2);
        assertThat(r.hosts().get("b").steps().get(0).message()).isEqualTo("when: host in primaries and facts.os_family != windows is false");
        assertThat(r.anyFailed()).isFalse();
        assertThat(r.toJson()).contains("\"skipped\" : 2");
        assertThat(r.recap()).contains("skipped=2");
    }

    @Test
    void factsAreUsableInTemplates() throws IOException {
        var pb = playbook("""
                steps:
                  - file: {path: "{{d}}/{{host}}.facts", content: "{{facts.os_family}} {{facts.init}} {{facts.ipv4.lo}}"}
                """, List.of("a"), 0, false);
        var r = run(pb, 1, Engine.Listener.NONE);
        assertThat(r.anyFailed()).as(r.toJson()).isFalse();
        String init = Files.isDirectory(Path.of("/run/systemd/system")) ? "systemd" : "sysv";
        assertThat(Files.readString(dir.resolve("a.facts"))).endsWith(" " + init + " 127.0.0.1");
    }

    @Test
    void aFactTheHostLacksFailsTheStepThatUsesIt() throws IOException {
        var pb = playbook("""
                steps:
                  - file: {path: "{{d}}/x", content: "{{facts.ipv4.nosuchif0}}"}
                """, List.of("a"), 0, false);
        var r = run(pb, 1, Engine.Listener.NONE);
        assertThat(r.hosts().get("a").steps()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("failed");
            assertThat(s.message()).isEqualTo("this host has no fact `facts.ipv4.nosuchif0`");
        });
    }

    @Test
    void factsThatCannotBeGatheredFailTheHostWithTheReason() throws IOException {
        var pb = playbook("""
                steps:
                  - command: {cmd: "touch {{d}}/ran"}
                """, List.of("a", "b"), 0, false);
        Host broken = new Named("a") {
            @Override
            public Exec shell(String command, Duration timeout) throws IOException {
                return command.equals(Facts.COMMAND) ? new Exec(0, "@os-release\n@end\n", false, false) : super.shell(command, timeout);
            }
        };
        Host gone = new Named("b") {
            @Override
            public Exec shell(String command, Duration timeout) throws IOException {
                throw new java.net.ConnectException("connection refused");
            }
        };
        var r = Engine.run(pb, Map.of("d", dir.toString()), Map.of("a", broken, "b", gone), true, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE);
        assertThat(r.hosts().get("a").steps()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo(Engine.FACTS_STEP);
            assertThat(s.status()).isEqualTo("failed");
            assertThat(s.message()).contains("/etc/os-release is missing");
        });
        assertThat(r.hosts().get("b").steps()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo("unreachable");
            assertThat(s.message()).isEqualTo("connection refused");
        });
        assertThat(r.hosts().get("b").unreachable()).isEqualTo(1);
        assertThat(r.recap()).contains("unreachable=1");
        assertThat(r.anyFailed()).isTrue();
        assertThat(dir.resolve("ran")).doesNotExist();
    }

    @Test
    void aPlanGathersFactsAndSkipsByCondition() throws IOException {
        var pb = playbook("""
                steps:
                  - command: {cmd: "touch {{d}}/ran"}
                    when: facts.init == nosuchinit
                  - command: {cmd: "touch {{d}}/ran2"}
                    when: not facts.init == nosuchinit
                """, List.of("a"), 0, false);
        var r = Engine.run(pb, Map.of("d", dir.toString()), Map.of("a", new Named("a")), false, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE);
        assertThat(r.hosts().get("a").steps()).extracting(Report.StepResult::status).containsExactly("skipped", "change");
        assertThat(dir.resolve("ran")).doesNotExist();
        assertThat(dir.resolve("ran2")).doesNotExist();
    }
}
