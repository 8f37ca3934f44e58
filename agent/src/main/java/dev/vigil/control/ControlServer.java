package dev.vigil.control;

import dev.vigil.transport.Drops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the control API on a Unix domain socket, readable by root and the socket's group only.
 * Each connection gets its own short-lived thread from a small pool, never a heartbeat thread.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Path socketPath;
    private final ControlDispatch dispatch;
    private final java.util.Optional<EventBus> events;
    /**
     * Operator verbs hold their connection until the cluster settles (up to minutes), so a fixed
     * small pool could leave {@code vigil status} waiting behind them: threads are made on demand,
     * up to a bound that keeps a flood of connections from exhausting the agent.
     */
    static final int MAX_CONNECTIONS = 32;
    /**
     * When every slot is taken, the connection idle longest (waiting for a request, not running
     * one, not streaming events) gives way to the new one, provided it has idled this long: a
     * client that connected and said nothing cannot keep {@code vigil status} out (issue 19).
     */
    static final Duration EVICTABLE_AFTER = Duration.ofMillis(200);
    /** How long the acceptor waits for an evicted connection's thread to come free. */
    private static final Duration EVICTION_WAIT = Duration.ofSeconds(1);
    /** Counted in {@code drops}: an idle connection closed to make room. */
    static final String DROP_IDLE_EVICTED = "control-socket-idle-evicted";
    /** Counted in {@code drops}: a connection refused, every slot busy with a request or a stream. */
    static final String DROP_BUSY = "control-socket-busy";
    private final ExecutorService workers = new java.util.concurrent.ThreadPoolExecutor(0, MAX_CONNECTIONS,
            30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
        var t = new Thread(r, "vigil-control");
        t.setDaemon(true);
        return t;
    }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
    private final Drops drops;
    /** Open connections and since when each has waited for a request ({@link #BUSY} while it runs one). */
    private final Map<SocketChannel, AtomicLong> idleSince = new ConcurrentHashMap<>();
    private static final long BUSY = Long.MAX_VALUE;
    private final ScheduledThreadPoolExecutor closer = new ScheduledThreadPoolExecutor(1, r -> {
        var t = new Thread(r, "vigil-control-closer");
        t.setDaemon(true);
        return t;
    });
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public ControlServer(Path socketPath, ControlHandler handler) {
        this(socketPath, handler, null);
    }

    /** @param events where {@code events} subscribers are served from; null if this server offers none */
    public ControlServer(Path socketPath, ControlHandler handler, EventBus events) {
        this(socketPath, handler, events, new Drops(Clock.systemUTC(), Duration.ofSeconds(10)));
    }

    /** @param drops where refused and evicted connections are counted (the agent's, shown in {@code vigil status}) */
    public ControlServer(Path socketPath, ControlHandler handler, EventBus events, Drops drops) {
        this.drops = drops;
        this.socketPath = socketPath;
        this.dispatch = new ControlDispatch(handler);
        this.events = java.util.Optional.ofNullable(events);
    }

    public void start() throws IOException {
        Files.createDirectories(socketPath.toAbsolutePath().getParent());
        if (Files.exists(socketPath)) {
            if (answers(socketPath)) {
                throw new IOException("another agent already serves " + socketPath);
            }
            Files.delete(socketPath); // left behind by an agent that was killed
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-rw----"));
        acceptor = new Thread(this::acceptLoop, "vigil-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("control socket {}", socketPath);
    }

    private static boolean answers(Path path) {
        try (var ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                var ch = server.accept();
                if (!admit(ch)) {
                    refuseBusy(ch);
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket accept failed: {}", e.getMessage());
                }
                return;
            }
        }
    }

    /** Hands the connection to a worker, making room by closing the longest-idle one if need be. */
    private boolean admit(SocketChannel ch) {
        var idle = new AtomicLong(System.nanoTime());
        idleSince.put(ch, idle);
        if (trySubmit(ch, idle)) return true;
        var victim = longestIdle();
        if (victim == null) {
            idleSince.remove(ch);
            return false;
        }
        drops.drop(DROP_IDLE_EVICTED, MAX_CONNECTIONS + " control socket connections open; closed one idle for "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - victim.getValue().get()) + " ms to serve a new one");
        idleSince.remove(victim.getKey());
        closeQuietly(victim.getKey());
        long deadline = System.nanoTime() + EVICTION_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (trySubmit(ch, idle)) return true;
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        idleSince.remove(ch);
        return false;
    }

    private boolean trySubmit(SocketChannel ch, AtomicLong idle) {
        try {
            workers.execute(() -> serve(ch, idle));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException full) {
            return false;
        }
    }

    private Map.Entry<SocketChannel, AtomicLong> longestIdle() {
        long now = System.nanoTime();
        Map.Entry<SocketChannel, AtomicLong> oldest = null;
        for (var e : idleSince.entrySet()) {
            long since = e.getValue().get();
            if (since == BUSY || now - since < EVICTABLE_AFTER.toNanos()) continue;
            if (oldest == null || since < oldest.getValue().get()) oldest = e;
        }
        return oldest;
    }

    /**
     * Every slot runs a request or a stream: say so in the protocol's own error answer. The
     * connection is closed a moment later, not at once, so that a client writing its request
     * reads this instead of failing with "Broken pipe".
     */
    private void refuseBusy(SocketChannel ch) {
        drops.drop(DROP_BUSY, MAX_CONNECTIONS + " control socket connections busy; refused one");
        try {
            ch.configureBlocking(false);
            ch.write(java.nio.ByteBuffer.wrap(busyAnswer()));
            ch.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("could not tell a control socket client why: {}", e.getMessage());
        }
        closer.schedule(() -> closeQuietly(ch), 1, TimeUnit.SECONDS);
    }

    private static byte[] busyAnswer() throws IOException {
        byte[] json = ControlJson.write(ControlDispatch.error("the agent is busy: all " + MAX_CONNECTIONS
                + " control socket connections are running requests; try again"));
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    private void serve(SocketChannel ch, AtomicLong idle) {
        try (ch) {
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8),
                    1024);
            OutputStream out = Channels.newOutputStream(ch);
            ControlDispatch.Sink sink = bytes -> {
                out.write(bytes);
                out.write('\n');
                out.flush();
            };
            String line;
            while ((line = readBoundedLine(in, idle)) != null) {
                var parsed = dispatch.parse(line.getBytes(StandardCharsets.UTF_8));
                if (parsed instanceof ControlDispatch.Parsed.Bad bad) {
                    sink.send(ControlJson.write(bad.answer()));
                } else if (parsed instanceof ControlDispatch.Parsed.Ok ok) {
                    if (ControlDispatch.EVENTS.equals(ok.request().op())) {
                        if (events.isEmpty()) {
                            sink.send(ControlJson.write(ControlDispatch.error("this agent publishes no events")));
                            continue;
                        }
                        // The connection belongs to the stream from now on.
                        dispatch.stream(events.get(), sink);
                        return;
                    }
                    sink.send(ControlJson.write(dispatch.answer(ok.request())));
                }
            }
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control request failed", e);
        } finally {
            idleSince.remove(ch);
        }
    }

    /** A request line; the connection counts as idle (evictable) until its first byte arrives. */
    private static String readBoundedLine(BufferedReader in, AtomicLong idle) throws IOException {
        idle.set(System.nanoTime());
        var sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            idle.set(BUSY);
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= ControlProtocol.MAX_LINE_BYTES) {
                throw new IOException("request longer than " + ControlProtocol.MAX_LINE_BYTES + " bytes");
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.debug("closing control socket", e);
        }
        idleSince.keySet().forEach(ControlServer::closeQuietly);
        closer.shutdownNow();
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
