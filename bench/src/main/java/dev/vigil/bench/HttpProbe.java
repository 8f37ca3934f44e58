package dev.vigil.bench;

import dev.vigil.config.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Probes an HTTP service on a fixed grid and logs who answered, for failover benchmarks and
 * end-to-end tests; with {@code --summary} it analyses such logs instead ({@link FailoverGaps}).
 *
 * <pre>
 * HttpProbe URL [--interval 10ms] [--timeout 50ms] [--duration 30s] [--out FILE] [--pattern REGEX]
 * HttpProbe --summary LOG...
 * </pre>
 *
 * <p>Every probe is a fresh TCP connection with a plain HTTP/1.0 GET: a kept-alive connection
 * would stick to the old node, or hang on it, and hide when the address moved. Probes are sent
 * on the grid whatever earlier ones are doing (they overlap when the timeout is longer than the
 * interval), so a dead server cannot stretch the grid. A probe is good when the answer is 200 and
 * its body matches {@code --pattern} (default {@code node=NAME}, what vigil-bed's page prints).
 */
public final class HttpProbe {
    static final Pattern DEFAULT_PATTERN = Pattern.compile("node=([A-Za-z0-9_.-]+)");
    private static final int MAX_BODY = 64 * 1024;

    record Options(URI url, Duration interval, Duration timeout, Duration duration, Optional<Path> out, Pattern pattern) {}

    private HttpProbe() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("--summary")) {
            if (args.length == 1) {
                return usage("--summary needs at least one log file");
            }
            var trials = new ArrayList<FailoverGaps.Trial>();
            for (int i = 1; i < args.length; i++) {
                try {
                    trials.add(FailoverGaps.read(Path.of(args[i])));
                } catch (IllegalArgumentException e) {
                    System.err.println("HttpProbe: " + e.getMessage());
                    return 2;
                }
            }
            System.out.print(FailoverGaps.report(trials));
            return 0;
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        var records = probe(o);
        try (var w = o.out().isPresent()
                ? new PrintWriter(Files.newBufferedWriter(o.out().get(), StandardCharsets.UTF_8))
                : new PrintWriter(System.out, false, StandardCharsets.UTF_8)) {
            for (var r : records) {
                w.println(r.format());
            }
        }
        long ok = records.stream().filter(ProbeRecord::ok).count();
        System.err.printf("HttpProbe: %d probes, %d ok, %d failed%n", records.size(), ok, records.size() - ok);
        return 0;
    }

    private static int usage(String problem) {
        System.err.println("HttpProbe: " + problem);
        System.err.println("usage: HttpProbe URL [--interval 10ms] [--timeout 50ms] [--duration 30s] [--out FILE] [--pattern REGEX]");
        System.err.println("       HttpProbe --summary LOG...");
        return 2;
    }

    static Options parse(String[] args) {
        URI url = null;
        Duration interval = Duration.ofMillis(10);
        Duration timeout = Duration.ofMillis(50);
        Duration duration = Duration.ofSeconds(30);
        Optional<Path> out = Optional.empty();
        Pattern pattern = DEFAULT_PATTERN;
        for (int i = 0; i < args.length; i++) {
            var a = args[i];
            if (!a.startsWith("--")) {
                if (url != null) throw new IllegalArgumentException("one URL only, got " + url + " and " + a);
                url = URI.create(a);
                if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                    throw new IllegalArgumentException("URL must be http://HOST[:PORT]/PATH, got " + a);
                }
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            var v = args[++i];
            switch (a) {
                case "--interval" -> interval = duration(a, v);
                case "--timeout" -> timeout = duration(a, v);
                case "--duration" -> duration = duration(a, v);
                case "--out" -> out = Optional.of(Path.of(v));
                case "--pattern" -> {
                    pattern = Pattern.compile(v);
                    if (pattern.matcher("").groupCount() < 1) {
                        throw new IllegalArgumentException("--pattern needs a group capturing the node name");
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (url == null) throw new IllegalArgumentException("no URL");
        return new Options(url, interval, timeout, duration, out, pattern);
    }

    private static Duration duration(String option, String value) {
        var d = Durations.parse(value).orElseThrow(() ->
                new IllegalArgumentException(option + ": '" + value + "' is not a duration like 10ms or 30s"));
        if (d.isZero()) throw new IllegalArgumentException(option + " must be positive");
        return d;
    }

    /** Runs the probes on the grid for the whole duration; returns them in send order. */
    static List<ProbeRecord> probe(Options o) throws InterruptedException {
        long slots = o.duration().toNanos() / o.interval().toNanos();
        // Enough threads for every probe that can be in flight at once, with room for the grid's
        // jitter: a probe waiting for a thread would be sent later than the slot it is logged at
        // (at 2 ms and 50 ms, 25 in flight while the address is dead; 58 threads).
        int threads = (int) Math.min(256, 2 * (o.timeout().toNanos() / o.interval().toNanos()) + 8);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            var t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        var results = new ConcurrentLinkedQueue<ProbeRecord>();
        long startNanos = System.nanoTime();
        try {
            for (long k = 0; k < slots; k++) {
                long due = startNanos + k * o.interval().toNanos();
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long epoch = System.currentTimeMillis();
                pool.execute(() -> results.add(once(o, epoch)));
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(o.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        }
        var list = new ArrayList<>(results);
        list.sort(Comparator.comparingLong(ProbeRecord::epochMillis));
        return list;
    }

    /** One GET on a fresh connection, all of it bounded by the timeout. */
    static ProbeRecord once(Options o, long epoch) {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        var url = o.url();
        int port = url.getPort() < 0 ? 80 : url.getPort();
        var path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress(url.getHost(), port), remainingMillis(deadline));
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: " + url.getHost()
                    + "\r\nUser-Agent: vigil-probe\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var text = readAll(s, deadline);
            int eol = text.indexOf('\n');
            var status = eol < 0 ? text : text.substring(0, eol).strip();
            if (!status.matches("HTTP/1\\.[01] 200\\b.*")) {
                return ProbeRecord.fail(epoch, status.isEmpty() ? "empty answer" : "status " + status);
            }
            var m = o.pattern().matcher(text);
            if (!m.find()) {
                return ProbeRecord.fail(epoch, "no node name in the answer");
            }
            return ProbeRecord.ok(epoch, m.group(1));
        } catch (SocketTimeoutException e) {
            return ProbeRecord.fail(epoch, "timeout");
        } catch (ConnectException e) {
            return ProbeRecord.fail(epoch, "refused " + e.getMessage());
        } catch (NoRouteToHostException e) {
            return ProbeRecord.fail(epoch, "no route");
        } catch (IOException e) {
            return ProbeRecord.fail(epoch, e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (ms <= 0) throw new SocketTimeoutException("deadline");
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static String readAll(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        var buf = new ByteArrayOutputStream();
        var chunk = new byte[4096];
        while (buf.size() < MAX_BODY) {
            s.setSoTimeout(remainingMillis(deadline));
            int n = in.read(chunk);
            if (n < 0) break;
            buf.write(chunk, 0, n);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
