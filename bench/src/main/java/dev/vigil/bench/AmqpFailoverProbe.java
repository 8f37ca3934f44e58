package dev.vigil.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * An AMQP client for failover measurements (RabbitMQ, quorum queues), run where the clients are
 * (the bed's client namespace).
 *
 * <pre>
 * publish URI QUEUE --out pub.csv [--duration 30s] [--interval 10ms] [--first-within 180s] [--resumed N]
 *     persistent messages, body = sequence number, each awaited with a publisher confirm (5 s);
 *     logs epoch_ms,confirmed|failed,seq[,reason]; reconnects after any failure and goes on with
 *     the next number (a failed message is never sent again: "confirmed" means the broker took it).
 *     Runs for --duration after the first confirm, which must come within --first-within; with
 *     --resumed N it stops earlier, once N messages are confirmed after a failure.
 * consume URI QUEUE --out cons.csv [--within 120s] [--idle 3s]
 *     takes every message (basic.get, acked one by one) until the queue stays empty for --idle;
 *     logs epoch_ms,seq. Retries the connection for up to --within.
 * summary pub.csv cons.csv
 *     confirmed=N lost=N duplicates=N unconfirmed_delivered=N failed=N gap_ms=N
 *     lost: confirmed but never consumed; duplicates: extra copies consumed; gap: last confirm
 *     before the first failure to the first confirm after it (0 if nothing failed).
 * </pre>
 * The queue is declared durable with {@code x-queue-type: quorum}. Exit 0 unless usage or I/O fails.
 */
public final class AmqpFailoverProbe {
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private AmqpFailoverProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) usage();
        var opts = options(args, 3);
        switch (args[0]) {
            case "publish" -> publish(args[1], args[2], Path.of(required(opts, "out")),
                    duration(opts.getOrDefault("duration", "30s")), duration(opts.getOrDefault("interval", "10ms")),
                    duration(opts.getOrDefault("first-within", "180s")), Integer.parseInt(opts.getOrDefault("resumed", "0")));
            case "consume" -> consume(args[1], args[2], Path.of(required(opts, "out")),
                    duration(opts.getOrDefault("within", "120s")), duration(opts.getOrDefault("idle", "3s")));
            case "summary" -> System.out.println(FailoverTally.of(Path.of(args[1]), Path.of(args[2])));
            default -> usage();
        }
    }

    static void publish(String uri, String queue, Path out, Duration duration, Duration interval, Duration firstWithin,
            int resumed) throws Exception {
        long start = System.currentTimeMillis();
        long end = Long.MAX_VALUE;
        long seq = 0;
        long confirmedSinceFailure = -1; // -1: no failure yet
        Connection conn = null;
        Channel ch = null;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            while (System.currentTimeMillis() < end) {
                if (end == Long.MAX_VALUE && System.currentTimeMillis() - start > firstWithin.toMillis()) {
                    throw new IOException("no confirm within " + firstWithin + " (see " + out + ")");
                }
                seq++;
                try {
                    if (ch == null || !ch.isOpen()) {
                        closeQuietly(conn);
                        conn = factory(uri).newConnection("vigil-amqp-probe");
                        ch = conn.createChannel();
                        ch.confirmSelect();
                        declare(ch, queue);
                    }
                    ch.basicPublish("", queue, true, MessageProperties.PERSISTENT_BASIC,
                            Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
                    ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
                    long now = System.currentTimeMillis();
                    w.write(now + ",confirmed," + seq + "\n");
                    if (end == Long.MAX_VALUE) end = now + duration.toMillis();
                    if (confirmedSinceFailure >= 0 && ++confirmedSinceFailure >= resumed && resumed > 0) break;
                } catch (Exception e) {
                    w.write(System.currentTimeMillis() + ",failed," + seq + "," + reason(e) + "\n");
                    w.flush();
                    if (end != Long.MAX_VALUE) confirmedSinceFailure = 0; // not while the cluster is still starting
                    closeQuietly(conn);
                    ch = null;
                    conn = null;
                }
                if (seq % 20 == 0) w.flush();
                Thread.sleep(interval.toMillis());
            }
        } finally {
            closeQuietly(conn);
        }
    }

    static void consume(String uri, String queue, Path out, Duration within, Duration idle) throws Exception {
        long deadline = System.currentTimeMillis() + within.toMillis();
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            while (true) {
                try (Connection conn = factory(uri).newConnection("vigil-amqp-consumer")) {
                    Channel ch = conn.createChannel();
                    declare(ch, queue);
                    long lastMessage = System.currentTimeMillis();
                    while (System.currentTimeMillis() - lastMessage < idle.toMillis()) {
                        var r = ch.basicGet(queue, false);
                        if (r == null) {
                            Thread.sleep(100);
                            continue;
                        }
                        w.write(System.currentTimeMillis() + "," + new String(r.getBody(), StandardCharsets.US_ASCII) + "\n");
                        // Written before the ack: a message is counted even if the ack is lost (then it may come again).
                        w.flush();
                        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                        lastMessage = System.currentTimeMillis();
                    }
                    return;
                } catch (IOException | java.util.concurrent.TimeoutException e) {
                    if (System.currentTimeMillis() > deadline) throw e;
                    Thread.sleep(500);
                }
            }
        }
    }

    private static ConnectionFactory factory(String uri) throws Exception {
        var f = new ConnectionFactory();
        f.setUri(uri);
        f.setAutomaticRecoveryEnabled(false); // the probe reconnects itself, and logs it
        f.setConnectionTimeout(2000);
        f.setHandshakeTimeout(5000);
        f.setRequestedHeartbeat(5);
        return f;
    }

    private static void declare(Channel ch, String queue) throws IOException {
        ch.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.abort(1000);
        } catch (RuntimeException ignored) {
            // already gone: what a failover does to it
        }
    }

    private static String reason(Exception e) {
        var m = String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return m.replaceAll("[,\\r\\n]+", " ");
    }

    private static Map<String, String> options(String[] args, int from) {
        var m = new TreeMap<String, String>();
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) usage();
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    private static String required(Map<String, String> opts, String key) {
        var v = opts.get(key);
        if (v == null) usage();
        return v;
    }

    static Duration duration(String s) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("not a duration (10ms, 30s, 2m): " + s);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static void usage() {
        System.err.println("""
                usage: AmqpFailoverProbe publish URI QUEUE --out F [--duration 30s] [--interval 10ms] [--first-within 180s]
                       AmqpFailoverProbe consume URI QUEUE --out F [--within 120s] [--idle 3s]
                       AmqpFailoverProbe summary PUBLISHED.csv CONSUMED.csv""");
        System.exit(2);
    }
}
