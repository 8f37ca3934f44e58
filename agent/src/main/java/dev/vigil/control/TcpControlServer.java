package dev.vigil.control;

import dev.vigil.config.ClusterKey;
import dev.vigil.transport.Drops;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the control API on TCP, for the operator console and {@code vigil --connect}: the same
 * requests as the Unix socket plus the {@code events} stream, each frame encrypted, authenticated and
 * replay-protected with keys derived from the cluster key ({@link ControlSession}); a client of the
 * plaintext protocol 1 is refused with a message saying to upgrade it ({@link Refusal#PLAINTEXT_CLIENT}).
 *
 * <p>Anything that does not authenticate, is replayed, out of order, malformed or too large is
 * answered with a refusal frame naming why, counted in {@link Drops} under the refusal's key
 * (which also logs it, rate-limited), and ends the connection; nothing it carried is executed.
 *
 * <p>Unauthenticated clients cannot starve authenticated ones (issue 19): a connection is first
 * a <em>handshake</em>, which must authenticate within {@link #HANDSHAKE_TIMEOUT} of connecting
 * (one round trip is all it takes) and of which at most {@link #MAX_HANDSHAKES} are open, at most
 * {@link #MAX_HANDSHAKES_PER_SOURCE} from one source address. Only a client that has proven the
 * key gets one of the {@link #MAX_CONNECTIONS} slots that may be held for long ({@link
 * #IDLE_TIMEOUT}, or an event stream). A connection over a limit is answered with a refusal
 * frame at once (never a silent close), and every refusal is counted in {@link Drops} by reason.
 *
 * <p>Threads: one acceptor, one pooled thread per open connection (handshakes included), and
 * one timer thread that ends handshakes which trickle bytes past their deadline.
 */
public final class TcpControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpControlServer.class);
    /** Authenticated connections (a console, an event subscriber, a `vigil --connect`). */
    static final int MAX_CONNECTIONS = 16;
    /** Connections that have not authenticated yet, in all. */
    static final int MAX_HANDSHAKES = 64;
    /**
     * ... and from one source address. With the default loopback-only listen address every local
     * user shares 127.0.0.1, so this stays well above what one client needs and below the total:
     * a flood from one address leaves the others room, and the deadline frees its slots quickly.
     */
    static final int MAX_HANDSHAKES_PER_SOURCE = 32;
    /**
     * From connect to a valid AUTH frame: one round trip and one HMAC for a genuine client, so a
     * flood of silent connections holds a slot this long at most. Well below the second within
     * which a genuine client must get its answer during such a flood.
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(300);
    /** An authenticated connection may idle between requests this long (the console keeps one open). */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private final InetSocketAddress address;
    private final Duration handshakeTimeout;
    /** The keys a client may prove, the current one first (two during a key rotation), already derived. */
    private final java.util.function.Supplier<java.util.List<byte[]>> controlKeys;
    private final ControlDispatch dispatch;
    private final EventBus events;
    private final Drops drops;
    private final SecureRandom random = new SecureRandom();
    /** Bounded by the admission counts below; the extra few cover threads still returning to the pool. */
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(0, MAX_CONNECTIONS + MAX_HANDSHAKES + 8, 30,
            TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        var t = new Thread(r, "vigil-control-tcp");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> {
        var t = new Thread(r, "vigil-control-tcp-deadline");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Guarded by {@code this}. */
    private int handshakes;
    private int authenticated;
    private final Map<InetAddress, Integer> handshakesBySource = new HashMap<>();
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean closed;

    public TcpControlServer(InetSocketAddress address, ClusterKey key, ControlHandler handler, EventBus events,
                            Drops drops) {
        this(address, fixed(key), handler, events, drops, HANDSHAKE_TIMEOUT);
    }

    /** With the keys of a rotation: {@code keys} is asked at every connection, the current key first. */
    public TcpControlServer(InetSocketAddress address, java.util.function.Supplier<java.util.List<ClusterKey>> keys,
                            ControlHandler handler, EventBus events, Drops drops) {
        this(address, keys, handler, events, drops, HANDSHAKE_TIMEOUT);
    }

    /** Tests: another handshake deadline (a long one, to hold handshakes open on purpose). */
    TcpControlServer(InetSocketAddress address, ClusterKey key, ControlHandler handler, EventBus events,
                     Drops drops, Duration handshakeTimeout) {
        this(address, fixed(key), handler, events, drops, handshakeTimeout);
    }

    private TcpControlServer(InetSocketAddress address, java.util.function.Supplier<java.util.List<ClusterKey>> keys,
                             ControlHandler handler, EventBus events, Drops drops, Duration handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
        this.address = address;
        this.controlKeys = () -> keys.get().stream().map(ControlFrames::deriveKey).toList();
        this.dispatch = new ControlDispatch(handler);
        this.events = events;
        this.drops = drops;
        deadlines.setRemoveOnCancelPolicy(true);
    }

    public void start() throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(address, 64);
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
            InetAddress source = socket.getInetAddress();
            Refusal refused = admitHandshake(source);
            if (refused != null) {
                refuseAtOnce(socket, refused);
                continue;
            }
            try {
                workers.execute(() -> serve(socket, source));
            } catch (RejectedExecutionException busy) {
                endHandshake(source);
                refuseAtOnce(socket, Refusal.HANDSHAKE_LIMIT);
            }
        }
    }

    private synchronized Refusal admitHandshake(InetAddress source) {
        if (handshakes >= MAX_HANDSHAKES) return Refusal.HANDSHAKE_LIMIT;
        int fromSource = handshakesBySource.getOrDefault(source, 0);
        if (fromSource >= MAX_HANDSHAKES_PER_SOURCE) return Refusal.SOURCE_LIMIT;
        handshakes++;
        handshakesBySource.put(source, fromSource + 1);
        return null;
    }

    private synchronized void endHandshake(InetAddress source) {
        handshakes--;
        handshakesBySource.computeIfPresent(source, (a, n) -> n == 1 ? null : n - 1);
    }

    private synchronized boolean admitAuthenticated() {
        if (authenticated >= MAX_CONNECTIONS) return false;
        authenticated++;
        return true;
    }

    private synchronized void endAuthenticated() {
        authenticated--;
    }

    /**
     * A refusal on the acceptor thread: a few bytes into an empty send buffer never block, and
     * the client learns why instead of reading a reset.
     */
    private void refuseAtOnce(Socket socket, Refusal refusal) {
        drops.drop(refusal.dropKey(), refusal.message() + "; refused a connection from "
                + socket.getRemoteSocketAddress());
        try (socket) {
            var out = socket.getOutputStream();
            out.write(ControlFrames.encode(ControlFrames.Type.REFUSED, refusal.message().getBytes(StandardCharsets.UTF_8)));
            out.flush();
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("could not tell {} why: {}", socket.getRemoteSocketAddress(), e.getMessage());
        }
    }

    private void serve(Socket socket, InetAddress source) {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        open.add(socket);
        var session = new Conversation(socket, source);
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) handshakeTimeout.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 4096);
            try {
                converse(session, in, out);
            } catch (FrameException e) {
                refuse(out, e.refusal(), e.getMessage() + " from " + peer);
            } catch (SocketTimeoutException e) {
                if (!session.authenticated) {
                    refuse(out, Refusal.TIMEOUT, "no authentication within " + handshakeTimeout.toMillis()
                            + " ms from " + peer);
                } else {
                    LOG.debug("control connection from {} idle for {}; closed", peer, IDLE_TIMEOUT);
                }
            } catch (EOFException e) {
                LOG.debug("control connection from {} closed", peer);
            }
        } catch (IOException e) {
            if (session.timedOut) {
                drops.drop(Refusal.TIMEOUT.dropKey(), "no authentication within " + handshakeTimeout.toMillis()
                        + " ms from " + peer + " (it kept sending)");
            } else {
                LOG.debug("control connection from {} ended: {}", peer, e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("control request from {} failed", peer, e);
        } finally {
            open.remove(socket);
            session.end();
        }
    }

    /** Which slot one connection holds, released exactly once. */
    private final class Conversation {
        final Socket socket;
        final InetAddress source;
        final java.util.concurrent.ScheduledFuture<?> deadline;
        volatile boolean authenticated;
        volatile boolean timedOut;
        private boolean inHandshake = true;
        private boolean holdsSlot;

        Conversation(Socket socket, InetAddress source) {
            this.socket = socket;
            this.source = source;
            // The read timeout catches a silent client; this catches one that trickles a byte at a time.
            this.deadline = deadlines.schedule(() -> {
                if (!authenticated) {
                    timedOut = true;
                    closeQuietly(socket);
                }
            }, handshakeTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        }

        /** The client proved the key: leave the handshake pool; false if no authenticated slot is free. */
        synchronized boolean promote() {
            authenticated = true;
            deadline.cancel(false);
            endHandshakeOnce();
            holdsSlot = admitAuthenticated();
            return holdsSlot;
        }

        private void endHandshakeOnce() {
            if (inHandshake) {
                inHandshake = false;
                endHandshake(source);
            }
        }

        synchronized void end() {
            deadline.cancel(false);
            endHandshakeOnce();
            if (holdsSlot) {
                holdsSlot = false;
                endAuthenticated();
            }
        }
    }

    private void converse(Conversation conversation, InputStream in, OutputStream out) throws IOException {
        byte[] serverNonce = new byte[ControlFrames.NONCE_BYTES];
        random.nextBytes(serverNonce);
        ControlFrames.write(out, ControlFrames.Type.HELLO, ControlFrames.hello(serverNonce));
        var session = ControlSession.server(controlKeys.get(), serverNonce,
                ControlFrames.read(in, 1 + ControlSession.AUTH_BYTES));
        if (!conversation.promote()) {
            throw new FrameException(Refusal.CONNECTION_LIMIT, MAX_CONNECTIONS + " authenticated connections open");
        }
        conversation.socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
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

    private static java.util.function.Supplier<java.util.List<ClusterKey>> fixed(ClusterKey key) {
        var keys = java.util.List.of(key);
        return () -> keys;
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
        deadlines.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
