package dev.vigil.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PollingBackendTest {
    private final AtomicReference<StatusReport> current = new AtomicReference<>(Fixtures.cluster("alive", "ha1"));
    private final AtomicInteger polls = new AtomicInteger();
    private volatile boolean failing;

    private final PollingBackend.Requests requests = new PollingBackend.Requests() {
        @Override
        public StatusReport status() throws IOException {
            polls.incrementAndGet();
            if (failing) throw new IOException("no agent answers on /run/vigil/web-ha1.sock");
            return current.get();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            return new ControlProtocol.AdminOutcome(true, verb);
        }
    };

    @Test
    void pushesTheFirstStatusThenOnlyChangesToEverySubscriber() throws Exception {
        try (var backend = new PollingBackend(requests, Duration.ofMillis(5))) {
            var a = new CopyOnWriteArrayList<StatusReport>();
            var b = new CopyOnWriteArrayList<StatusReport>();
            var subA = backend.subscribe(a::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.size() == 1);
            var subB = backend.subscribe(b::add);
            await().atMost(Duration.ofSeconds(5)).until(() -> b.size() == 1); // the known status, at once
            int before = polls.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> polls.get() > before + 5);
            assertThat(a).hasSize(1); // polled again and again, nothing changed, nothing pushed
            current.set(Fixtures.cluster("dead", "ha1"));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.size() == 2 && b.size() == 2);
            assertThat(a.get(1).nodes().get(2).state()).isEqualTo("dead");

            failing = true;
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.problem() != null);
            assertThat(backend.problem()).contains("no agent answers");
            assertThat(a).hasSize(2);

            subA.close();
            subB.close();
            int stopped = polls.get();
            Thread.sleep(50); // nobody subscribed: the poller must be idle
            assertThat(polls.get()).isLessThanOrEqualTo(stopped + 1);
        }
    }

    @Test
    void refusesANonPositiveInterval() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PollingBackend(requests, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    }
}
