package dev.vigil.control;

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
import java.util.concurrent.ExecutorService;
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
    private static final int MAX_CONNECTIONS = 32;
    private final ExecutorService workers = new java.util.concurrent.ThreadPoolExecutor(0, MAX_CONNECTIONS,
            30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
        var t = new Thread(r, "vigil-control");
        t.setDaemon(true);
        return t;
    }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean closed;

    public ControlServer(Path socketPath, ControlHandler handler) {
        this(socketPath, handler, null);
    }

    /** @param events where {@code events} subscribers are served from; null if this server offers none */
    public ControlServer(Path socketPath, ControlHandler handler, EventBus events) {
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
                try {
                    workers.submit(() -> serve(ch));
                } catch (java.util.concurrent.RejectedExecutionException busy) {
                    LOG.warn("control socket: {} connections open already; refusing one", MAX_CONNECTIONS);
                    ch.close();
                }
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket accept failed: {}", e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
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
            while ((line = readBoundedLine(in)) != null) {
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
        }
    }

    private static String readBoundedLine(BufferedReader in) throws IOException {
        var sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
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
        workers.shutdownNow();
        try {
            workers.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
