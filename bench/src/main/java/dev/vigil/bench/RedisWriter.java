package dev.vigil.bench;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A Redis client that writes through a floating IP during a failover and counts what it lost:
 * every {@code interval} it sends {@code RPUSH KEY seq} (seq = 1, 2, ...; a write whose answer
 * did not come is never retried) and records each acknowledged seq with its time. When a line
 * arrives on stdin (or stdin closes) it stops writing, reads the list back through the same
 * address ({@code LRANGE KEY 0 -1}) and prints one JSON line:
 *
 * <pre>{"attempts":N,"acked":A,"present":P,"lost":L,"lostSeqs":[..],"gapMs":G,"gapFromMs":T1,"gapToMs":T2,
 *  "gapFromSeq":S1,"gapToSeq":S2,"errors":{..}}</pre>
 *
 * <p>{@code lost}: acknowledged writes missing from the list read back; {@code gapMs}: the
 * longest time between two consecutive acknowledgements (during a failover: the last ack from
 * the old master to the first from the new one), {@code gapFromMs}/{@code gapToMs} its ends in
 * ms since the first write, and the seqs acknowledged there (when no write got through after the
 * last ack, the gap runs to the end and {@code gapToSeq} is 0). Errors by kind: Redis' own error word (NOREPLICAS, READONLY,
 * LOADING...), {@code timeout}, {@code connect}, {@code io}.
 *
 * <pre>REDIS_PASSWORD=... java dev.vigil.bench.RedisWriter HOST PORT KEY [INTERVAL_MS] [TIMEOUT_MS]</pre>
 *
 * <p>No dependencies beyond the JDK: the bed test compiles this one file and runs it in the
 * client's network namespace, as bench/redis-failover.sh does with the bench's classes.
 */
public final class RedisWriter {
    private final String host;
    private final int port;
    private final String key;
    private final String password;
    private final Duration timeout;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RedisWriter(String host, int port, String key, String password, Duration timeout) {
        this.host = host;
        this.port = port;
        this.key = key;
        this.password = password;
        this.timeout = timeout;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: REDIS_PASSWORD=... RedisWriter HOST PORT KEY [INTERVAL_MS] [TIMEOUT_MS]");
            System.exit(2);
        }
        var writer = new RedisWriter(args[0], Integer.parseInt(args[1]), args[2], System.getenv("REDIS_PASSWORD"),
                Duration.ofMillis(args.length > 4 ? Long.parseLong(args[4]) : 300));
        var interval = Duration.ofMillis(args.length > 3 ? Long.parseLong(args[3]) : 2);
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var stdin = new Thread(() -> {
            try (var r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                r.readLine();
            } catch (IOException ignored) {
                // stdin gone: stop as well
            }
            stop.set(true);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        System.out.println(writer.run(interval, stop).json());
        System.out.flush();
    }

    /** What one run saw. Times in ms since the first write. */
    record Result(long attempts, long acked, long present, List<Long> lost, long gapMs, long gapFromMs, long gapToMs,
                  long gapFromSeq, long gapToSeq, Map<String, Long> errors) {
        String json() {
            var e = new StringBuilder();
            errors.forEach((k, v) -> e.append(e.isEmpty() ? "" : ",").append('"').append(k).append("\":").append(v));
            var l = lost.stream().limit(50).map(String::valueOf).toList();
            return "{\"attempts\":" + attempts + ",\"acked\":" + acked + ",\"present\":" + present + ",\"lost\":"
                    + lost.size() + ",\"lostSeqs\":[" + String.join(",", l) + "],\"gapMs\":" + gapMs + ",\"gapFromMs\":"
                    + gapFromMs + ",\"gapToMs\":" + gapToMs + ",\"gapFromSeq\":" + gapFromSeq + ",\"gapToSeq\":" + gapToSeq
                    + ",\"errors\":{" + e + "}}";
        }
    }

    Result run(Duration interval, java.util.concurrent.atomic.AtomicBoolean stop) throws InterruptedException {
        var acked = new ArrayList<Long>();
        var ackTimes = new ArrayList<Long>();
        var errors = new TreeMap<String, Long>();
        long start = System.nanoTime();
        long seq = 0;
        long next = start;
        while (!stop.get()) {
            seq++;
            String error = write(seq);
            if (error == null) {
                acked.add(seq);
                ackTimes.add(System.nanoTime() - start);
            } else {
                errors.merge(error, 1L, Long::sum);
            }
            // A fixed grid: a slow answer is not followed by a burst, and never by less than a pause.
            next = Math.max(next + interval.toNanos(), System.nanoTime() + interval.toNanos() / 2);
            LockSupport.parkNanos(next - System.nanoTime());
        }
        long end = System.nanoTime() - start;
        // Writes that never got through again: the gap runs from the last ack to the end (toSeq 0).
        long gap = ackTimes.isEmpty() ? end : end - ackTimes.get(ackTimes.size() - 1);
        long from = ackTimes.isEmpty() ? 0 : ackTimes.get(ackTimes.size() - 1);
        long to = end;
        long fromSeq = acked.isEmpty() ? 0 : acked.get(acked.size() - 1);
        long toSeq = 0;
        for (int i = 1; i < ackTimes.size(); i++) {
            long d = ackTimes.get(i) - ackTimes.get(i - 1);
            if (d > gap) {
                gap = d;
                from = ackTimes.get(i - 1);
                to = ackTimes.get(i);
                fromSeq = acked.get(i - 1);
                toSeq = acked.get(i);
            }
        }
        Set<Long> present = readBack();
        var lost = acked.stream().filter(s -> !present.contains(s)).toList();
        return new Result(seq, acked.size(), present.size(), lost, gap / 1_000_000, from / 1_000_000, to / 1_000_000,
                fromSeq, toSeq, errors);
    }

    /** Null when acknowledged, else the kind of failure. */
    private String write(long seq) {
        try {
            Object answer = command("RPUSH", key, Long.toString(seq));
            if (answer instanceof Long) return null;
            return kind(answer);
        } catch (SocketTimeoutException e) {
            close();
            return "timeout";
        } catch (ConnectFailed e) {
            close();
            return "connect";
        } catch (IOException e) {
            close();
            return "io";
        }
    }

    private static String kind(Object answer) {
        if (answer instanceof RedisError err) {
            String word = err.message().split(" ", 2)[0];
            return word.matches("[A-Z]{2,20}") ? word : "error";
        }
        return "unexpected";
    }

    /** Everything in the list, read back through the same address (retried for a while: the VIP may still move). */
    private Set<Long> readBack() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                Object answer = command("LRANGE", key, "0", "-1");
                if (answer instanceof List<?> items) {
                    var seqs = new HashSet<Long>();
                    for (var item : items) seqs.add(Long.parseLong((String) item));
                    return seqs;
                }
                if (System.nanoTime() > deadline) throw new IllegalStateException("LRANGE answered " + answer);
            } catch (IOException e) {
                close();
                if (System.nanoTime() > deadline) throw new IllegalStateException("cannot read the list back: " + e, e);
            }
            Thread.sleep(200);
        }
    }

    private static final class ConnectFailed extends IOException {
        ConnectFailed(IOException cause) {
            super(cause);
        }
    }

    record RedisError(String message) {}

    private Object command(String... words) throws IOException {
        if (socket == null) connect();
        send(words);
        return read();
    }

    private void connect() throws IOException {
        var s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            s.close();
            throw new ConnectFailed(e);
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
        if (password != null && !password.isEmpty()) {
            send("AUTH", password);
            Object ok = read();
            if (!"OK".equals(ok)) throw new IOException("AUTH answered " + ok);
        }
    }

    private void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
        socket = null;
    }

    private void send(String... words) throws IOException {
        var b = new StringBuilder("*").append(words.length).append("\r\n");
        for (var w : words) {
            b.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One RESP2 value: a String (simple or bulk; null for a null bulk), Long, RedisError or List. */
    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) throw new IOException("connection closed");
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> new RedisError(line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int n = Integer.parseInt(line);
                if (n < 0) yield null;
                byte[] data = in.readNBytes(n + 2);
                if (data.length < n + 2) throw new IOException("connection closed");
                yield new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                var items = new ArrayList<Object>(Math.max(n, 0));
                for (int i = 0; i < n; i++) items.add(read());
                yield items;
            }
            default -> throw new IOException("not RESP: " + (char) type);
        };
    }

    private String line() throws IOException {
        var b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed");
            if (c == '\r') {
                in.read();
                return b.toString();
            }
            b.append((char) c);
        }
    }
}
