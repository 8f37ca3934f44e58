package dev.vigil.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics endpoint's HTTP/1.1 responder: one thread ({@code vigil-metrics}) that accepts a
 * connection, reads its request head, answers {@code GET /metrics} (or {@code /-/healthy}) and
 * closes it ({@code Connection: close}; Prometheus simply connects again at the next scrape).
 *
 * <p>Why not an HTTP server library: the agent's memory budget is 64 MB and a scrape every 15 s
 * needs no concurrency; the JDK's {@code com.sun.net.httpserver} under the Prometheus client cost
 * ~5 MB of classes and four threads more (docs/metrics.md). Bounds instead: a request head is read
 * within its timeout ({@link #REQUEST_TIMEOUT}) and at most {@link #MAX_HEAD} bytes, so a client that connects
 * and says nothing holds up the next scrape for seconds, never for good; bodies are not read.
 */
final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    /** The whole request head, however slowly it trickles in. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Prometheus' request head is ~300 bytes; a browser's ~1 KB. */
    static final int MAX_HEAD = 8 * 1024;

    /** What to answer for a {@code GET}: the request's path (without query) and Accept header in. */
    record Request(String path, String accept) {}

    /** A response; {@code null} from the handler is a 404. */
    record Response(String contentType, byte[] body) {}

    private final ServerSocket socket;
    private final Function<Request, Response> handler;
    private final Duration requestTimeout;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Binds now (an exception if it cannot) and serves on a daemon thread from then on.
     *
     * @param requestTimeout how long a connection may take to send its request head ({@link #REQUEST_TIMEOUT})
     */
    MetricsServer(InetSocketAddress address, Function<Request, Response> handler, Duration requestTimeout) throws IOException {
        this.handler = handler;
        this.requestTimeout = requestTimeout;
        socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(address, 8);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        thread = new Thread(this::run, "vigil-metrics");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void run() {
        while (!closed) {
            try (Socket s = socket.accept()) {
                answer(s);
            } catch (IOException | RuntimeException e) {
                if (!closed) LOG.debug("metrics connection: {}", e.toString());
            }
        }
    }

    private void answer(Socket s) throws IOException {
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        String head = readHead(s, deadline);
        OutputStream out = s.getOutputStream();
        if (head == null) {
            plain(out, 400, "Bad Request", "bad request", true);
            return;
        }
        String[] lines = head.split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            plain(out, 400, "Bad Request", "bad request", true);
            return;
        }
        String method = requestLine[0];
        boolean withBody = !method.equals("HEAD");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            plain(out, 405, "Method Not Allowed", "only GET", true);
            return;
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        String accept = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("accept")) {
                accept = lines[i].substring(colon + 1).trim();
            }
        }
        Response r;
        try {
            r = handler.apply(new Request(path, accept));
        } catch (RuntimeException e) {
            LOG.warn("metrics scrape failed", e); // a bug in a collector: the next scrape tries again
            plain(out, 500, "Internal Server Error", "scrape failed: " + e, withBody);
            return;
        }
        if (r == null) {
            plain(out, 404, "Not Found", "not found; try /metrics", withBody);
        } else {
            respond(out, 200, "OK", r.contentType(), r.body(), withBody);
        }
    }

    /** The request head up to its blank line; null when too long, cut short, or not in time. */
    private static String readHead(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        var buf = new byte[MAX_HEAD];
        int n = 0;
        while (n < buf.length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            s.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int r;
            try {
                r = in.read(buf, n, buf.length - n);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (r < 0) return null;
            n += r;
            String sofar = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            int end = sofar.indexOf("\r\n\r\n");
            if (end < 0) end = sofar.indexOf("\n\n");
            if (end >= 0) return sofar.substring(0, end);
        }
        return null;
    }

    private static void plain(OutputStream out, int code, String reason, String message, boolean withBody) throws IOException {
        respond(out, code, reason, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), withBody);
    }

    /**
     * Writes without a timeout of its own: an answer (~22 kB) fits in the sockets' buffers (the
     * client's receive buffer alone is 128 kB by Linux's default), so a client that stops reading
     * does not hold the thread here.
     */
    private static void respond(OutputStream out, int code, String reason, String type, byte[] body, boolean withBody) throws IOException {
        String head = "HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (withBody) out.write(body);
        out.flush();
    }

    /** Stops accepting; a scrape being answered ends with its connection. */
    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        thread.interrupt();
    }
}
