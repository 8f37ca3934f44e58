package dev.vigil.bench;

import dev.vigil.drill.probe.HttpGet;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a 10 ms HTTP probe's CPU goes (issue 12): ways of making one GET, each on one thread on a
 * 10 ms grid for a while, with that thread's CPU time per GET split into user and system (the
 * kernel counts the split in 10 ms ticks: good to a few per cent over a run). From a thread that
 * only sleeps on the grid to a raw socket's keep-alive GET; the drill's own {@link HttpGet} with
 * and without reuse. The figures are in docs/benchmarks.md; {@link DrillProbeCost} measures the
 * drill's probe itself (its grid of workers included).
 *
 * <pre>
 * ProbeCostVariants [URL] [SECONDS]      default: a page on loopback in this JVM, 10 s each
 * </pre>
 */
public final class ProbeCostVariants {
    private static final byte[] GET_10 = "GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET_11 = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TIMEOUT_MS = 500;

    private ProbeCostVariants() {}

    @FunctionalInterface
    private interface Get {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        var server = args.length > 0 ? null : DrillProbeCost.loopbackPage();
        var uri = URI.create(server == null ? args[0] : "http://127.0.0.1:" + server.getAddress().getPort() + "/");
        var to = new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80);
        byte[] buf = new byte[8192];
        Socket[] kept = new Socket[1];
        var fresh = new HttpGet(uri, false);
        var reused = new HttpGet(uri, true);
        var variants = new LinkedHashMap<String, Get>();
        variants.put("sleep on the grid only", () -> {});
        variants.put("HttpGet, a fresh connection", () -> fresh.attempt(Duration.ofMillis(TIMEOUT_MS)));
        variants.put("HttpGet, connections reused", () -> reused.attempt(Duration.ofMillis(TIMEOUT_MS)));
        variants.put("TCP connect and close only", () -> {
            try (var s = new Socket()) {
                s.connect(to, TIMEOUT_MS);
            }
        });
        variants.put("Socket, HTTP/1.0, close (FIN)", () -> fresh(to, buf, false, false));
        variants.put("Socket, HTTP/1.0, SO_LINGER 0 (RST)", () -> fresh(to, buf, true, false));
        variants.put("Socket, HTTP/1.0, TCP_NODELAY", () -> fresh(to, buf, false, true));
        variants.put("NIO SocketChannel, HTTP/1.0", () -> {
            try (var c = SocketChannel.open(to)) {
                c.write(ByteBuffer.wrap(GET_10));
                var b = ByteBuffer.wrap(buf);
                while (c.read(b) > 0) b.clear();
            }
        });
        variants.put("Socket, HTTP/1.1 keep-alive", () -> {
            if (kept[0] == null) {
                kept[0] = new Socket();
                kept[0].connect(to, TIMEOUT_MS);
                kept[0].setSoTimeout(TIMEOUT_MS);
            }
            try {
                kept[0].getOutputStream().write(GET_11);
                readWithLength(kept[0].getInputStream(), buf);
            } catch (IOException e) {
                kept[0].close();
                kept[0] = null; // the server closed it (its MaxKeepAliveRequests): counted as a failure
                throw e;
            }
        });
        for (Map.Entry<String, Get> v : variants.entrySet()) measure(v.getKey(), v.getValue(), seconds);
        if (server != null) server.stop(0);
    }

    private static void fresh(InetSocketAddress to, byte[] buf, boolean rst, boolean noDelay) throws IOException {
        try (var s = new Socket()) {
            if (rst) s.setSoLinger(true, 0);
            s.setTcpNoDelay(noDelay);
            s.connect(to, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(GET_10);
            int n;
            int total = 0;
            while ((n = s.getInputStream().read(buf)) > 0) total += n;
            if (total == 0) throw new EOFException("no answer");
        }
    }

    /** One answer with a Content-Length (enough for this measurement, not a parser). */
    private static void readWithLength(InputStream in, byte[] buf) throws IOException {
        int have = 0;
        while (true) {
            int n = in.read(buf, have, buf.length - have);
            if (n <= 0) throw new EOFException();
            have += n;
            var s = new String(buf, 0, have, StandardCharsets.ISO_8859_1);
            int head = s.indexOf("\r\n\r\n");
            int cl = s.toLowerCase(Locale.ROOT).indexOf("content-length:");
            if (head < 0 || cl < 0) continue;
            int length = Integer.parseInt(s.substring(cl + 15, s.indexOf("\r\n", cl)).trim());
            if (have >= head + 4 + length) return;
        }
    }

    /** 2 s of warm-up, then {@code seconds} on a 10 ms grid; prints the thread's CPU per GET. */
    private static void measure(String name, Get get, int seconds) throws InterruptedException {
        var mx = ManagementFactory.getThreadMXBean();
        long[] r = new long[5];
        var t = new Thread(() -> {
            long step = Duration.ofMillis(10).toNanos();
            long next = System.nanoTime();
            for (int phase = 0; phase < 2; phase++) {
                long end = System.nanoTime() + Duration.ofSeconds(phase == 0 ? 2 : seconds).toNanos();
                long cpu = mx.getCurrentThreadCpuTime();
                long user = mx.getCurrentThreadUserTime();
                long wall = System.nanoTime();
                int n = 0;
                int failed = 0;
                while (System.nanoTime() < end) {
                    next += step;
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    try {
                        get.run();
                    } catch (Exception e) {
                        failed++;
                    }
                    n++;
                }
                r[0] = mx.getCurrentThreadCpuTime() - cpu;
                r[1] = mx.getCurrentThreadUserTime() - user;
                r[2] = System.nanoTime() - wall;
                r[3] = n;
                r[4] = failed;
            }
        }, "probe-cost-variant");
        t.start();
        t.join();
        long n = Math.max(1, r[3]);
        System.out.printf(Locale.ROOT, "%-38s %5d GETs (%d failed): %.2f %% of a core, %4.0f µs per GET (user %3.0f, system %3.0f)%n",
                name, r[3], r[4], 100.0 * r[0] / r[2], r[0] / 1e3 / n, r[1] / 1e3 / n, (r[0] - r[1]) / 1e3 / n);
    }
}
