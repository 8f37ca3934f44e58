package dev.vigil.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.ControlServer;
import dev.vigil.control.EventBus;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real control servers with real event buses on Unix sockets: pushes, sharing, failover, backoff. */
class StreamingBackendTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ManualClock clock = new ManualClock();

    /** One agent: its status (the node name and a counter the test bumps), served with events. */
    final class Agent implements ControlHandler {
        final String name;
        final AtomicInteger version = new AtomicInteger();
        final AtomicInteger directRequests = new AtomicInteger();
        final Path socket;
        EventBus bus;
        ControlServer server;

        Agent(String name) {
            this.name = name;
            this.socket = dir.resolve(name + ".sock");
        }

        Agent start() throws IOException {
            bus = new EventBus(Clock.systemUTC(), this::snapshot, Duration.ofMillis(50), 16);
            server = new ControlServer(socket, this, bus);
            server.start();
            toClose.add(this::stop);
            return this;
        }

        void stop() {
            server.close();
            bus.close();
        }

        void change() {
            version.incrementAndGet();
            bus.changed();
        }

        StatusReport snapshot() {
            return new StatusReport("web", name, version.get(), 1, List.of("a", "b"), 2,
                    new StatusReport.TimingReport("lan", 200, 600, 1000, 2000), new StatusReport.VotesReport(2, 2),
                    List.of(), Map.of(), new StatusReport.SenderReport(0, 0, 0, 0), null);
        }

        @Override
        public StatusReport status() {
            directRequests.incrementAndGet();
            return snapshot();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            return new ControlProtocol.AdminOutcome(true, name + " did " + verb);
        }

        @Override
        public ControlProtocol.AdminOutcome applyConfig(String text) {
            return new ControlProtocol.AdminOutcome(false, "not here");
        }
    }

    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-21T19:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private StreamingBackend backend(Agent... agents) {
        var clients = new ArrayList<ControlClient>();
        for (var a : agents) clients.add(ControlClient.unix(a.socket));
        var b = new StreamingBackend(ControlClient.anyOf(clients),
                new StreamingBackend.Backoff(Duration.ofMillis(20), Duration.ofMillis(80)), Duration.ofSeconds(1), clock);
        toClose.add(b);
        return b;
    }

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    /** What one session saw: (node, incarnation) per push. */
    static final class Seen {
        final List<String> pushes = new CopyOnWriteArrayList<>();

        void accept(StatusReport r) {
            pushes.add(r.node() + "#" + r.incarnation());
        }

        String latest() {
            return pushes.isEmpty() ? "" : pushes.get(pushes.size() - 1);
        }
    }

    @Test
    void theCurrentStatusFirstThenEveryChangeWithoutPolling() throws Exception {
        var a = new Agent("a").start();
        var backend = backend(a);
        var seen = new Seen();
        backend.subscribe(seen::accept);
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#0"));
        a.change();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#1"));
        a.change();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#2"));
        assertThat(a.directRequests).as("statuses came by the stream, not by asking").hasValue(0);
        assertThat(backend.state()).isEqualTo(StreamingBackend.State.STREAMING);
    }

    @Test
    void allSessionsShareOneSubscriptionWhichEndsWithTheLastSession() throws Exception {
        var a = new Agent("a").start();
        var backend = backend(a);
        var first = new Seen();
        var second = new Seen();
        var h1 = backend.subscribe(first::accept);
        await().atMost(PATIENCE).until(() -> first.latest().equals("a#0"));
        var h2 = backend.subscribe(second::accept);
        assertThat(second.pushes).as("a later session gets the current status at once").containsExactly("a#0");
        a.change();
        await().atMost(PATIENCE).until(() -> first.latest().equals("a#1") && second.latest().equals("a#1"));
        assertThat(a.bus.subscriberCount()).isEqualTo(1);

        h1.close();
        a.change();
        await().atMost(PATIENCE).until(() -> second.latest().equals("a#2"));
        assertThat(first.latest()).isEqualTo("a#1");
        h2.close();
        await().atMost(PATIENCE).until(() -> backend.state() == StreamingBackend.State.IDLE);
        // the agent notices a closed stream when it next writes to it
        await().atMost(PATIENCE).until(() -> {
            a.change();
            return a.bus.subscriberCount() == 0;
        });
        assertThat(second.latest()).isEqualTo("a#2");
    }

    @Test
    void whenTheAgentDiesTheStreamMovesToTheNextAgent() throws Exception {
        var a = new Agent("a").start();
        var b = new Agent("b").start();
        var backend = backend(a, b);
        var seen = new Seen();
        backend.subscribe(seen::accept);
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#0"));
        a.stop();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("b#0"));
        b.change();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("b#1"));
        assertThat(backend.admin("standby", List.of("a")).message()).isEqualTo("b did standby");
    }

    /** Issue 18: a lost agent is an outage at once, with the last good status's time, and new logins get nothing stale. */
    @Test
    void whenTheOnlyAgentDiesTheOutageSaysSoAndANewLoginGetsNoStaleStatus() throws Exception {
        var a = new Agent("a").start();
        var backend = backend(a);
        var seen = new Seen();
        backend.subscribe(seen::accept);
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#0"));
        assertThat(backend.outage()).isEmpty();
        Instant good = clock.instant();
        clock.advance(Duration.ofSeconds(3));

        a.stop();
        await().atMost(PATIENCE).until(() -> backend.outage().isPresent());
        var o = backend.outage().get();
        assertThat(o.agent()).isEqualTo(a.socket.toString());
        assertThat(o.lastGood()).isEqualTo(good);
        assertThat(o.since()).isEqualTo(good.plusSeconds(3));
        assertThat(o.trying()).startsWith("reconnecting to the agent");
        var late = new Seen();
        backend.subscribe(late::accept);
        assertThat(late.pushes).as("a dead agent's last status is not handed to a new login").isEmpty();

        a.start();
        await().atMost(PATIENCE).until(() -> late.latest().equals("a#0"));
        assertThat(backend.outage()).isEmpty();
        assertThat(backend.lastFailover()).as("the same agent again is no failover").isEmpty();
    }

    @Test
    void aFailoverIsRecordedWithBothAgents() throws Exception {
        var a = new Agent("a").start();
        var b = new Agent("b").start();
        var backend = backend(a, b);
        var seen = new Seen();
        backend.subscribe(seen::accept);
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#0"));
        a.stop();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("b#0"));
        assertThat(backend.lastFailover()).get().extracting(ConsoleBackend.Failover::from, ConsoleBackend.Failover::to)
                .containsExactly(a.socket.toString(), b.socket.toString());
        assertThat(backend.following()).isEqualTo(b.socket.toString());
        assertThat(backend.outage()).isEmpty();
    }

    @Test
    void withNoAgentItRetriesWithBackoffAndFollowsTheFirstOneThatComesBack() throws Exception {
        var a = new Agent("a");
        var backend = backend(a);
        var seen = new Seen();
        backend.subscribe(seen::accept);
        await().atMost(PATIENCE).until(() -> backend.state() == StreamingBackend.State.WAITING);
        assertThatThrownBy(backend::status).isInstanceOf(IOException.class).hasMessageContaining("no agent answers");
        assertThat(seen.pushes).isEmpty();
        a.start();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#0"));
        assertThat(backend.state()).isEqualTo(StreamingBackend.State.STREAMING);
    }

    @Test
    void statusAnswersFromTheStreamWhileFreshAndAsksOnceForEveryoneWhenNot() throws Exception {
        var a = new Agent("a").start();
        var backend = backend(a);
        var first = new Seen();
        var second = new Seen();
        backend.subscribe(first::accept);
        backend.subscribe(second::accept);
        await().atMost(PATIENCE).until(() -> first.latest().equals("a#0"));
        assertThat(backend.status().node()).isEqualTo("a");
        assertThat(a.directRequests).hasValue(0);

        clock.advance(Duration.ofMillis(1500));
        a.version.set(7); // changed without an event: only a request can see it
        assertThat(backend.status().incarnation()).isEqualTo(7);
        assertThat(backend.status().incarnation()).isEqualTo(7);
        assertThat(a.directRequests).as("the second answer came from the first one's").hasValue(1);
        assertThat(second.latest()).as("and every session was handed it").isEqualTo("a#7");
    }

    @Test
    void aFailingSessionDoesNotStopThePushesToTheOthers() throws Exception {
        var a = new Agent("a").start();
        var backend = backend(a);
        backend.subscribe(r -> {
            throw new IllegalStateException("broken session");
        });
        var seen = new Seen();
        backend.subscribe(seen::accept);
        a.change();
        await().atMost(PATIENCE).until(() -> seen.latest().equals("a#1"));
    }

    @Test
    void backoffDoublesUpToItsCap() {
        var b = new StreamingBackend.Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        assertThat(List.of(b.after(1), b.after(2), b.after(3), b.after(5), b.after(6), b.after(1000))).containsExactly(
                Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(1600),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThatThrownBy(() -> new StreamingBackend.Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
