package dev.vigil.control;

import dev.vigil.config.ClusterKey;
import dev.vigil.transport.Drops;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the control API on TCP, for the operator console and {@code vigil --connect}: the same
 * requests as the Unix socket plus the {@code events} stream, each frame authenticated and
 * replay-protected with a key derived from the cluster key ({@link ControlSession}).
 *
 * <p>Anything that does not authenticate, is replayed, out of order, malformed or too large is
 * answered with a refusal frame naming why, counted in {@link Drops} under the refusal's key
 * (which also logs it, rate-limited), and ends the connection; nothing it carried is executed.
 *
 * <p>Threads: one acceptor, and one pooled thread per open connection, up to a bound; a client
 * that connects and says nothing holds its thread only for the authentication timeout.
 */
public final class TcpControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpControlServer.class);
    static final int MAX_CONNECTIONS = 16;
    static final Duration AUTH_TIMEOUT = Duration.ofSeconds(5);
    /** An authenticated connection may idle between requests this long (the console keeps one open). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final InetSocketAddress address;
    private final byte[] controlKey;
    private final ControlDispatch dispatch;
    private final EventBus events;
    private final Drops drops;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService workers = new ThreadPoolExecutor(0, MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
        var t = new Thread(r, "vigil-control-tcp");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean closed;

    public TcpControlServer(InetSocketAddress address, ClusterKey key, ControlHandler handler, EventBus events,
                            Drops drops) {
        this.address = address;
        this.controlKey = ControlFrames.deriveKey(key);
        this.dispatch = new ControlDispatch(handler);
        this.events = events;
        this.drops = drops;
    }

    public void start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(address, 16);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on control port " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        acceptor = new Thread(this::acceptLoop, "vigil-control-tcp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("control port {}:{}", address.getAddress().getHostAddress(), localPort());
    }

    /** The bound port (differs from the configured one when that was 0, as in tests). */
    public int localPort() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control port accept failed: {}", e.getMessage());
                }
                return;
            }
            try {
                workers.submit(() -> serve(socket));
            } catch (RejectedExecutionException busy) {
                LOG.warn("control port: {} connections open already; refusing one from {}", MAX_CONNECTIONS,
                        socket.getRemoteSocketAddress());
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        open.add(socket);
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) AUTH_TIMEOUT.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            try {
                converse(socket, in, out);
            } catch (FrameException e) {
                refuse(out, e.refusal(), e.getMessage() + " from " + peer);
            } catch (SocketTimeoutException e) {
                if (socket.getSoTimeout() == (int) AUTH_TIMEOUT.toMillis()) {
                    refuse(out, Refusal.TIMEOUT, "no authentication within " + AUTH_TIMEOUT.toSeconds() + " s from " + peer);
                } else {
                    LOG.debug("control connection from {} idle for {}; closed", peer, IDLE_TIMEOUT);
                }
            } catch (EOFException e) {
                LOG.debug("control connection from {} closed", peer);
            }
        } catch (IOException e) {
            LOG.debug("control connection from {} ended: {}", peer, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control request from {} failed", peer, e);
        } finally {
            open.remove(socket);
        }
    }

    private void converse(Socket socket, InputStream in, OutputStream out) throws IOException {
        byte[] serverNonce = new byte[ControlFrames.NONCE_BYTES];
        random.nextBytes(serverNonce);
        ControlFrames.write(out, ControlFrames.Type.HELLO, ControlFrames.hello(serverNonce));
        var session = ControlSession.server(controlKey, serverNonce,
                ControlFrames.read(in, 1 + ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES));
        socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
        // Only this connection's thread uses the session: answers and events go out in sequence.
        ControlDispatch.Sink sink = bytes -> ControlFrames.write(out, ControlFrames.Type.ANSWER, session.seal(bytes));
        while (!closed) {
            byte[] payload = session.open(ControlFrames.read(in, ControlFrames.MAX_REQUEST_FRAME));
            var parsed = dispatch.parse(payload);
            if (parsed instanceof ControlDispatch.Parsed.Bad bad) {
                sink.send(ControlJson.write(bad.answer()));
            } else if (parsed instanceof ControlDispatch.Parsed.Ok ok) {
                if (ControlDispatch.EVENTS.equals(ok.request().op())) {
                    dispatch.stream(events, sink);
                    return;
                }
                sink.send(ControlJson.write(dispatch.answer(ok.request())));
            }
        }
    }

    private void refuse(OutputStream out, Refusal refusal, String detail) {
        drops.drop(refusal.dropKey(), detail);
        try {
            ControlFrames.write(out, ControlFrames.Type.REFUSED, refusal.message().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("could not tell the client why: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.debug("closing control port", e);
        }
        // Blocked reads are not interruptible; closing their sockets ends them.
        open.forEach(TcpControlServer::closeQuietly);
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
