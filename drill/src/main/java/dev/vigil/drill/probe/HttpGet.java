package dev.vigil.drill.probe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import javax.net.ssl.SSLSocketFactory;

/**
 * An HTTP(S) GET. Success is a 2xx or 3xx answer within the timeout; the answer is kept short:
 * the status and, where the {@code X-Vigil-Node} header or the page names the serving node (the
 * test bed's page does), that node.
 *
 * <p>With {@code reuse} (the default), as a browser does, an answer's connection carries the next
 * GET (HTTP/1.1 keep-alive): a fresh TCP connection per probe cost ~300 µs of CPU here, most of it
 * the kernel's connection set-up and tear-down, which a 10 ms probe cannot afford (issue 12: ≤ 2 %
 * of a core). It still sees what a new client sees, because a connection is dropped on <em>any</em>
 * error or timeout and the next attempt connects afresh; a connection the server had closed
 * (its keep-alive timeout, a stopped server) is retried once at once on a fresh one, as browsers
 * do, so it is the fresh connect that decides; and no connection is used once it is
 * {@link #REFRESH} old. When the floating IP moves, the old holder's server is stopped first (its
 * connections end) or the node is gone (the request times out, or the new holder answers it with a
 * reset), so a reused connection fails when a fresh one would. What it cannot see is a fault that
 * refuses only <em>new</em> connections while established ones live on (a stateful firewall dropping
 * SYNs, a balancer draining): that is seen up to {@link #REFRESH} late — use {@code reuse: false}.
 *
 * <p>Without {@code reuse}, each GET is on its own connection ({@code Connection: close}).
 * Attempts may run at once (a probe's attempts overlap while one hangs): each takes its own
 * connection from the idle ones, or opens one.
 */
public final class HttpGet implements Check {
    /** The longest a connection is used: a fresh connect at least this often, whatever happens. */
    public static final Duration REFRESH = Duration.ofMillis(100);
    private final String host;
    private final int port;
    private final boolean tls;
    private final boolean reuse;
    private final byte[] request;
    /** Idle connections, the most recently used first. */
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    /** The last answer's description: equal answers share one string (a 2 ms probe keeps tens of thousands). */
    private volatile String lastWhat = "";
    private volatile boolean closed;

    public HttpGet(URI uri) {
        this(uri, true);
    }

    public HttpGet(URI uri, boolean reuse) {
        this.tls = "https".equals(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        this.reuse = reuse;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + (uri.getPort() > 0 ? ":" + port : "")
                + "\r\nUser-Agent: vigil-drill\r\n" + (reuse ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One TCP (or TLS) connection with its read buffer. */
    private final class Connection {
        final Socket socket;
        final OutputStream out;
        final HttpAnswer.Reader reader;
        final long opened = System.nanoTime();

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.reader = new HttpAnswer.Reader(socket);
        }

        HttpAnswer get(long deadline) throws IOException {
            out.write(request);
            return reader.read(deadline);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    @Override
    public String attempt(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Connection c = reuse ? idleConnection() : null;
        HttpAnswer answer = null;
        if (c != null) {
            try {
                answer = c.get(deadline);
            } catch (IOException e) {
                c.close();
                // The server had closed it (nothing came, or a reset): a fresh connection decides.
                if (!(e instanceof HttpAnswer.NothingCame || e instanceof java.net.SocketException)) {
                    throw e;
                }
            }
        }
        if (answer == null) {
            c = open(deadline);
            try {
                answer = c.get(deadline);
            } catch (IOException e) {
                c.close();
                throw e;
            }
        }
        if (reuse && answer.reusable() && !closed) {
            idle.offerFirst(c);
            if (closed && idle.remove(c)) c.close();
        } else {
            c.close();
        }
        String what = describe(answer);
        if (answer.code() < 200 || answer.code() >= 400) throw new IOException("HTTP " + what);
        return what;
    }

    private Connection idleConnection() {
        long now = System.nanoTime();
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            if (now - c.opened < REFRESH.toNanos()) return c;
            c.close();
        }
        return null;
    }

    private Connection open(long deadline) throws IOException {
        var plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), millisLeft(deadline));
            Socket s = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true) : plain;
            s.setSoTimeout(millisLeft(deadline)); // a TLS handshake reads before the answer does
            return new Connection(s);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    private String describe(HttpAnswer a) {
        String last = lastWhat;
        String what = a.node() == null ? Integer.toString(a.code()) : a.code() + " node=" + a.node();
        if (what.equals(last)) return last;
        lastWhat = what;
        return what;
    }

    static int millisLeft(long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw new SocketTimeoutException("timed out");
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Closes the idle connections; one in use is closed when its attempt ends. */
    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.pollFirst()) != null) c.close();
    }
}
