package dev.vigil.playbook.steps;


import com.sun.net.httpserver.HttpServer;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static dev.vigil.playbook.steps.StepTesting.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code wait}: tcp, http and command checks run on the host (here this machine, on loopback). */
class WaitStepTest {
    @TempDir
    Path dir;

    private final Host local = new LocalHost("local");

    private Step.Outcome run(boolean apply, String... kv) throws Exception {
        var p = new HashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
        return new WaitStep().run(local, p, apply, ctx(dir));
    }

    /** A loopback port nothing listens on (bound, then closed). */
    private static int closedPort() throws Exception {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void tcpSucceedsWhenThePortListens() throws Exception {
        try (var s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var o = run(true, "tcp", "127.0.0.1:" + s.getLocalPort(), "timeout", "10s");
            assertThat(o.changed()).isFalse();
            assertThat(o.message()).isEqualTo("port 127.0.0.1:" + s.getLocalPort() + " answered");
        }
    }

    @Test
    void tcpFailsAfterTheTimeoutWithTheLastError() throws Exception {
        int port = closedPort();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> run(true, "tcp", "127.0.0.1:" + port, "timeout", "1s", "interval", "200ms"))
                .isInstanceOf(Step.Failure.class)
                .hasMessageStartingWith("port 127.0.0.1:" + port + " did not succeed within 1s; last error: ")
                .hasMessageContaining("Connection refused");
        // It waited for its timeout: at least 1s (minus the last interval it does not sleep).
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }

    @Test
    void httpSucceedsBelow400AndReportsCurlsErrorOtherwise() throws Exception {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        var status = new AtomicInteger(503);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
            assertThatThrownBy(() -> run(true, "http", url, "timeout", "1s", "interval", "300ms"))
                    .hasMessageStartingWith(url + " did not succeed within 1s; last error: ")
                    .hasMessageContaining("503");
            status.set(200);
            assertThat(run(true, "http", url).message()).isEqualTo(url + " answered");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void commandIsTriedEveryIntervalUntilItSucceeds() throws Exception {
        Path tries = dir.resolve("tries");
        // Succeeds at the third try: two failures, 200ms apart.
        var o = run(true, "command", "echo x >>" + tries + "; [ $(wc -l <" + tries + ") -ge 3 ]", "interval", "200ms", "timeout", "30s");
        assertThat(o.changed()).isFalse();
        assertThat(Files.readAllLines(tries)).hasSize(3);
    }

    @Test
    void commandTriesAreBoundedByTimeoutOverInterval() throws Exception {
        Path tries = dir.resolve("tries");
        assertThatThrownBy(() -> run(true, "command", "echo x >>" + tries + "; echo not yet; exit 2", "interval", "250ms", "timeout", "1s"))
                .hasMessage("`echo x >>" + tries + "; echo not yet; exit 2` did not succeed within 1s; last error: not yet");
        // One try at the start and one after each interval within the timeout: 2 .. 1s/250ms + 1.
        assertThat(Files.readAllLines(tries).size()).isBetween(2, 5);
    }

    @Test
    void aPlanDoesNotWait() throws Exception {
        Path marker = dir.resolve("ran");
        var o = run(false, "command", "touch " + marker + "; false", "timeout", "10m");
        assertThat(o.changed()).isFalse();
        assertThat(o.message()).startsWith("not waited for in a plan");
        assertThat(marker).doesNotExist();
    }

    @Test
    void badParameters() throws Exception {
        assertThatThrownBy(() -> run(true, "tcp", "localhost")).hasMessage("`tcp` must be host:port, got 'localhost'");
        assertThatThrownBy(() -> run(true, "tcp", "h:70000")).hasMessage("`tcp` must be host:port, got 'h:70000'");
        assertThatThrownBy(() -> run(true, "http", "ftp://x")).hasMessage("`http` must be an http:// or https:// URL, got 'ftp://x'");
        assertThatThrownBy(() -> run(true, "command", "true", "interval", "50ms")).hasMessage("`interval` must be at least 100ms, got '50ms'");
        assertThatThrownBy(() -> run(true, "command", "true", "timeout", "soon")).hasMessage("`timeout` must be a duration such as 30s, got 'soon'");
        assertThat(StepTesting.checkErrors(dir, """
                  - wait: {tcp: "nohost", interval: 10ms}
                  - wait: {http: "x", timeout: forever}
                  - wait: {tcp: "a:1", command: "true"}
                """)).containsExactly(
                "3:17: `tcp` must be host:port, e.g. 127.0.0.1:80, got 'nohost'",
                "3:37: `interval` must be at least 100ms, got '10ms'",
                "4:18: `http` must be an http:// or https:// URL, got 'x'",
                "4:32: `timeout` must be a duration such as 30s, got 'forever'",
                "5:5: `wait` needs exactly one of `tcp`, `http` and `command`");
    }
}
