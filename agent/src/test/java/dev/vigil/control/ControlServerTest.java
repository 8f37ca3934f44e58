package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.transport.Drops;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Unix control socket under a flood of connections (issue 19, row 10). */
class ControlServerTest {
    @TempDir
    Path dir;
    private final Drops drops = new Drops(Clock.systemUTC(), Duration.ofSeconds(10));
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<SocketChannel> held = new ArrayList<>();
    private ControlServer server;
    private Path socket;

    /** Status answers at once; admin verbs block until the test releases them (a verb waiting for the cluster). */
    private final SpyHandler spy = new SpyHandler();
    private final java.util.concurrent.atomic.AtomicInteger blocked = new java.util.concurrent.atomic.AtomicInteger();
    private final ControlHandler handler = new ControlHandler() {
        @Override
        public StatusReport status() {
            return spy.status();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            blocked.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return spy.admin(verb, args);
        }

        @Override
        public ControlProtocol.AdminOutcome applyConfig(String text) {
            return spy.applyConfig(text);
        }
    };

    private void start() throws IOException {
        socket = dir.resolve("vigil.sock");
        server = new ControlServer(socket, handler, null, drops);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        for (var ch : held) ch.close();
        if (server != null) server.close();
    }

    private SocketChannel idleConnection() throws IOException {
        var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        held.add(ch);
        return ch;
    }

    @Test
    void thirtyTwoIdleConnectionsDoNotKeepStatusOut() throws Exception {
        start();
        for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) idleConnection();
        // Idle long enough to be the ones that give way.
        Thread.sleep(ControlServer.EVICTABLE_AFTER.toMillis() + 50);
        long t0 = System.nanoTime();
        assertThat(ControlClient.unix(socket).status().node()).isEqualTo("ha1");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
        assertThat(drops.count(ControlServer.DROP_IDLE_EVICTED)).isEqualTo(1);
        // And again, once the idle client has filled the slot up again.
        idleConnection();
        Thread.sleep(ControlServer.EVICTABLE_AFTER.toMillis() + 50);
        assertThat(ControlClient.unix(socket).status().node()).isEqualTo("ha1");
        assertThat(drops.count(ControlServer.DROP_IDLE_EVICTED)).isEqualTo(2);
    }

    @Test
    void whenEverySlotRunsAVerbTheClientIsToldSoNotBrokenPipe() throws Exception {
        start();
        var running = new ArrayList<Thread>();
        for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
            var t = new Thread(() -> {
                try {
                    ControlClient.unix(socket).admin("standby", List.of("ha2"));
                } catch (IOException e) {
                    // ended by the test
                }
            });
            t.setDaemon(true);
            t.start();
            running.add(t);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.get() == ControlServer.MAX_CONNECTIONS);
        assertThatThrownBy(() -> ControlClient.unix(socket).status())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("the agent is busy")
                .hasMessageNotContaining("Broken pipe");
        assertThat(drops.count(ControlServer.DROP_BUSY)).isEqualTo(1);
        release.countDown();
        for (var t : running) t.join(5000);
        assertThat(ControlClient.unix(socket).status().node()).isEqualTo("ha1");
    }
}
