package dev.vigil.bench;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.Durations;
import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import dev.vigil.drill.probe.InProcessProbes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What a drill's in-process probing costs (issue 12: probing every 10 ms costs at most 2 % of a
 * core): runs the drill's own {@link InProcessProbes} with one HTTP probe for a while and reports
 * the CPU time of the probe's threads (those that make the attempts) as a share of one core, split
 * into user and system time (the kernel's, which includes the loopback or veth path of the
 * packets the probe sends), and how many probes it made; with {@code --reuse false} each GET is on
 * a fresh connection (the drill's {@code reuse: false}).
 * Without a URL it probes a small web server in this JVM on loopback (whose own CPU time is not
 * counted); with one it probes that (e.g. the test bed's VIP from the client namespace).
 *
 * <pre>
 * DrillProbeCost [URL] [--interval 10ms] [--duration 30s] [--reuse true|false]
 * </pre>
 */
public final class DrillProbeCost {
    private DrillProbeCost() {}

    public static void main(String[] args) throws Exception {
        String url = null;
        Duration interval = Duration.ofMillis(10);
        Duration duration = Duration.ofSeconds(30);
        boolean reuse = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interval" -> interval = Durations.parse(args[++i]).orElseThrow();
                case "--duration" -> duration = Durations.parse(args[++i]).orElseThrow();
                case "--reuse" -> reuse = Boolean.parseBoolean(args[++i]);
                default -> url = args[i];
            }
        }
        HttpServer server = null;
        if (url == null) {
            server = loopbackPage();
            url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }
        var spec = new ProbeSpec("cost", ProbeKind.HTTP, url, interval, Duration.ofMillis(500), ProbeSpec.LOCAL, reuse);
        var threads = ManagementFactory.getThreadMXBean();
        try (var probes = new InProcessProbes(List.of(spec), DrillClock.system())) {
            probes.start();
            Thread.sleep(2_000); // warm-up: class loading and JIT are not the steady cost
            long cpu0 = probeCpuNanos(threads, false);
            long user0 = probeCpuNanos(threads, true);
            long wall0 = System.nanoTime();
            int samples0 = probes.samples().size();
            Thread.sleep(duration.toMillis());
            long cpu = probeCpuNanos(threads, false) - cpu0; // the probe's threads live as long as it: none ends meanwhile
            long user = probeCpuNanos(threads, true) - user0;
            long wall = System.nanoTime() - wall0;
            var samples = probes.samples();
            int n = samples.size() - samples0;
            long failed = samples.subList(samples0, samples.size()).stream().filter(s -> !s.ok()).count();
            System.out.printf(java.util.Locale.ROOT,
                    "probing %s every %d ms (%s) for %.1f s: %d probes (%d failed), probe threads' CPU %.1f ms = %.2f %% of one core, "
                            + "%.1f µs per probe (user %.1f, system %.1f)%n",
                    url, interval.toMillis(), reuse ? "connections reused" : "a fresh connection each", wall / 1e9, n, failed, cpu / 1e6,
                    100.0 * cpu / wall, perProbe(cpu, n), perProbe(user, n), perProbe(cpu - user, n));
        } finally {
            if (server != null) server.stop(0);
        }
    }

    /** A page naming node "bench", served by the JDK's server on loopback (its CPU time is not the probe's). */
    static HttpServer loopbackPage() throws java.io.IOException {
        // The JDK's server writes headers and body apart: with Nagle's algorithm a kept-alive
        // connection waits for the client's delayed ACK (40 ms) before each body.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", ex -> {
            byte[] body = "node=bench\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return server;
    }

    /**
     * The CPU time so far (or its user part: the kernel counts it in ticks, 10 ms, so the split is
     * good to a few per cent over a run) of the probe's threads, drill-probe-cost-N.
     */
    private static long probeCpuNanos(java.lang.management.ThreadMXBean threads, boolean userOnly) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("drill-probe-cost"))
                .mapToLong(t -> Math.max(0, userOnly ? threads.getThreadUserTime(t.getId()) : threads.getThreadCpuTime(t.getId()))).sum();
    }

    private static double perProbe(long nanos, int n) {
        return n == 0 ? 0 : nanos / 1e3 / n;
    }
}
