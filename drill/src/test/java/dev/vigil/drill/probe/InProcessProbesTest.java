package dev.vigil.drill.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real probes against a web server on loopback that goes away and comes back. */
class InProcessProbesTest {
    @Test
    void httpAndTcpProbesSeeTheServerGoAndComeBackWithTimestamps() throws Exception {
        var server = server(0);
        int port = server.getAddress().getPort();
        var specs = List.of(
                new ProbeSpec("page", ProbeKind.HTTP, "http://127.0.0.1:" + port + "/", Duration.ofMillis(20), Duration.ofMillis(500), "local"),
                new ProbeSpec("port", ProbeKind.TCP, "127.0.0.1:" + port, Duration.ofMillis(20), Duration.ofMillis(500), "local"));
        try (var probes = new InProcessProbes(specs, DrillClock.system())) {
            probes.start();
            awaitSamples(probes, 6);
            server.stop(0);
            long stopped = System.nanoTime();
            // Attempts overlap: wait for each probe's failure itself, not for a number of samples.
            awaitUntil(probes, s -> !s.ok() && s.startNanos() > stopped && s.probe().equals("page"));
            awaitUntil(probes, s -> !s.ok() && s.startNanos() > stopped && s.probe().equals("port"));
            server = server(port);
            long restarted = System.nanoTime();
            awaitUntil(probes, s -> s.ok() && s.startNanos() > restarted && s.probe().equals("page"));
            awaitUntil(probes, s -> s.ok() && s.startNanos() > restarted && s.probe().equals("port"));
            var samples = probes.samples();
            assertThat(samples).filteredOn(s -> s.probe().equals("page") && s.ok()).first()
                    .satisfies(s -> assertThat(s.detail()).isEqualTo("200 node=ha7"));
            assertThat(samples).as("failures while the server was down")
                    .anyMatch(s -> !s.ok() && s.probe().equals("page") && s.startNanos() > stopped && s.endNanos() < restarted)
                    .anyMatch(s -> !s.ok() && s.probe().equals("port") && s.startNanos() > stopped && s.endNanos() < restarted);
            assertThat(samples).allMatch(s -> s.endNanos() >= s.startNanos());
        } finally {
            server.stop(0);
        }
    }

    /** A page on loopback that names node ha7, as the test bed's does (VantageProbesTest too). */
    static HttpServer server(int port) throws Exception {
        var s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        s.createContext("/", ex -> {
            byte[] body = "<html>node=ha7</html>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        return s;
    }

    private static void awaitSamples(InProcessProbes p, int n) throws InterruptedException {
        awaitUntil(p, null, n);
    }

    private static void awaitUntil(InProcessProbes p, java.util.function.Predicate<ProbeSample> cond) throws InterruptedException {
        awaitUntil(p, cond, 0);
    }

    /** Bounded by the probes' own timeouts: 10 s is many dozens of 500 ms timeouts. */
    private static void awaitUntil(InProcessProbes p, java.util.function.Predicate<ProbeSample> cond, int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            var s = p.samples();
            if (cond == null ? s.size() >= n : s.stream().anyMatch(cond)) return;
            Thread.sleep(10);
        }
        throw new AssertionError("probes did not get there: " + p.samples());
    }
}
