package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.AlertSpec;
import dev.vigil.config.AlertTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher: bounded, never blocking, rate-limited, per recipient; agents run and killed for real. */
class AlertsTest {
    /** Pacemaker's sample file agent, from Debian's pacemaker-common. */
    static final Path SAMPLE_FILE_AGENT = Path.of("/usr/share/pacemaker/alerts/alert_file.sh.sample");

    @TempDir
    Path dir;

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        var release = new CountDownLatch(1);
        var started = new AtomicInteger();
        AlertSender blocking = (spec, d) -> {
            started.incrementAndGet();
            release.await();
        };
        var spec = AlertFixtures.webhook("hook", java.net.URI.create("http://127.0.0.1:1/"), Duration.ofSeconds(30));
        try (var alerts = new Alerts("web", "ha2", List.of(spec), System::nanoTime,
                Map.of(AlertSpec.Kind.WEBHOOK, blocking), 1, 2)) {
            // One running, two waiting, the other two dropped: fire returns although the sender hangs.
            for (int i = 0; i < 5; i++) {
                alerts.fire(AlertFixtures.nodeDead("ha1"));
            }
            assertThat(alerts.counters()).containsEntry("dropped", 2L);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> alerts.counters().get("sent") == 3L);
            assertThat(started).hasValue(3);
        }
    }

    @Test
    void overTheRateLimitIsCountedNotSent() {
        var sent = new AtomicInteger();
        var spec = new AlertSpec("hook", AlertSpec.Kind.WEBHOOK, Optional.empty(), Optional.empty(),
                Optional.of(java.net.URI.create("http://127.0.0.1:1/")), EnumSet.of(AlertTopic.NODE_DEAD), List.of(),
                Duration.ofSeconds(5), Optional.of(new AlertSpec.RateLimit(1, Duration.ofHours(1))), "%s");
        try (var alerts = new Alerts("web", "ha2", List.of(spec), System::nanoTime,
                Map.of(AlertSpec.Kind.WEBHOOK, (s, d) -> sent.incrementAndGet()), 1, 8)) {
            alerts.fire(AlertFixtures.nodeDead("ha1"));
            alerts.fire(AlertFixtures.nodeDead("ha3"));
            alerts.fire(AlertFixtures.moved("www", "ha1", "ha2")); // not wanted: neither sent nor limited
            await().atMost(Duration.ofSeconds(10)).until(() -> alerts.counters().get("sent") == 1L);
            assertThat(alerts.counters()).containsEntry("rate_limited", 1L);
            assertThat(sent).hasValue(1);
        }
    }

    @Test
    void pacemakersSampleFileAgentWritesOneLinePerEventAndRecipient() throws Exception {
        Path agent = executableCopy(SAMPLE_FILE_AGENT, "alert_file.sh");
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        var spec = AlertFixtures.agent("file", agent, List.of(first.toString(), second.toString()), Duration.ofSeconds(30));
        try (var alerts = realAgents(spec)) {
            alerts.fire(AlertFixtures.nodeDead("ha1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("sent") == 2L);
            alerts.fire(AlertFixtures.moved("www", "ha1", "ha2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("sent") == 4L);
        }
        for (Path log : List.of(first, second)) {
            assertThat(Files.readAllLines(log)).containsExactly(
                    "03:20:01.123456: Node 'ha1' is now 'lost'",
                    "03:20:01.123456: Resource operation 'move' for 'www' on 'ha2': ok");
        }
    }

    /** The failed operation's OCF code reaches the sample agent: Pacemaker's words for it, and the target. */
    @Test
    void pacemakersSampleFileAgentTellsAFailuresReturnCode() throws Exception {
        Path agent = executableCopy(SAMPLE_FILE_AGENT, "alert_file.sh");
        Path log = dir.resolve("failures.log");
        var spec = AlertFixtures.agent("file", agent, List.of(log.toString()), Duration.ofSeconds(30));
        try (var alerts = realAgents(spec)) {
            alerts.fire(new AlertEvent(AlertTopic.RESOURCE_FAILED, AlertFixtures.AT, "ha1", "www", "monitor", 7,
                    "www failed on ha1", Map.of("operation", "monitor: NOT_RUNNING (rc 7)")));
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("sent") == 1L);
            alerts.fire(new AlertEvent(AlertTopic.RESOURCE_FAILED, AlertFixtures.AT, "ha1", "db", "monitor", 0,
                    "db failed on ha1", Map.of("operation", "monitor: SUCCESS", "target_rc", "8")));
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("sent") == 2L);
        }
        assertThat(Files.readAllLines(log)).containsExactly(
                "03:20:01.123456: Resource operation 'monitor' for 'www' on 'ha1': not running",
                "03:20:01.123456: Resource operation 'monitor' for 'db' on 'ha1': ok (target: 8)");
    }

    @Test
    void aHungAgentIsKilledWithItsChildrenAtItsTimeout() throws Exception {
        Path pids = dir.resolve("pids");
        Path agent = dir.resolve("hang.sh");
        Files.writeString(agent, "#!/bin/sh\nsleep 1000 &\necho $$ $! > " + pids + ".tmp\nmv " + pids + ".tmp " + pids
                + "\nsleep 1000\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        Duration timeout = Duration.ofSeconds(1);
        try (var alerts = realAgents(AlertFixtures.agent("hang", agent, List.of(), timeout))) {
            long fired = System.nanoTime();
            alerts.fire(AlertFixtures.nodeDead("ha1"));
            // The timeout plus generous room for a slow machine to kill and reap: far below sleep 1000.
            await().atMost(timeout.plusSeconds(20)).until(() -> alerts.counters().get("timed_out") == 1L);
            assertThat(Duration.ofNanos(System.nanoTime() - fired)).isGreaterThanOrEqualTo(timeout);
            assertThat(alerts.counters()).containsEntry("failed", 1L).containsEntry("sent", 0L);
        }
        for (String pid : Files.readString(pids).trim().split(" ")) {
            assertThat(running(pid)).as("pid " + pid + " (the agent, then its child)").isFalse();
        }
    }

    @Test
    void keepalivedNotifyScriptsGetTheirArguments() throws Exception {
        Path out = dir.resolve("notified");
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + out + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (var alerts = realAgents(AlertFixtures.agent("unused", script, List.of(), Duration.ofSeconds(30)))) {
            alerts.notify("vip", new dev.vigil.config.NotifySpec(Optional.of(script + " up"), Optional.empty(),
                    Optional.empty(), Optional.empty()), NotifyState.MASTER);
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("sent") == 1L);
            alerts.notify("vip", new dev.vigil.config.NotifySpec(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of(script.toString())), NotifyState.FAULT);
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("sent") == 2L);
            // No backup command: nothing runs.
            alerts.notify("vip", new dev.vigil.config.NotifySpec(Optional.of(script.toString()), Optional.empty(),
                    Optional.empty(), Optional.empty()), NotifyState.BACKUP);
        }
        assertThat(Files.readAllLines(out)).containsExactly("up", "INSTANCE vip FAULT 100");
    }

    @Test
    void aFailingAgentIsCountedAsFailed() throws Exception {
        Path agent = dir.resolve("fail.sh");
        Files.writeString(agent, "#!/bin/sh\necho no route to pager >&2\nexit 3\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        try (var alerts = realAgents(AlertFixtures.agent("fail", agent, List.of(), Duration.ofSeconds(30)))) {
            alerts.fire(AlertFixtures.nodeDead("ha1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts.counters().get("failed") == 1L);
            assertThat(alerts.counters()).containsEntry("timed_out", 0L);
        }
    }

    /** Alive and not a zombie (a killed orphan waits for a reaper that a container's init may not be). */
    private static boolean running(String pid) throws Exception {
        Path stat = Path.of("/proc", pid, "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        char state = s.charAt(s.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    /** Real agents run by AgentAlertSender; ha1 is node 1, ha2 node 2. */
    static Alerts realAgents(AlertSpec spec) {
        return new Alerts("web", "ha2", List.of(spec), System::nanoTime,
                Map.of(AlertSpec.Kind.AGENT, new AgentAlertSender(n -> List.of("ha1", "ha2").indexOf(n) + 1, ZoneOffset.UTC)),
                Alerts.THREADS, Alerts.QUEUE);
    }

    private Path executableCopy(Path from, String name) throws Exception {
        Path to = dir.resolve(name);
        Files.copy(from, to);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
        return to;
    }
}
