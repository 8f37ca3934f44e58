package dev.vigil.control;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ClusterKey;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of the control API, used by the {@code vigil} command line and the console,
 * over either transport: the node's Unix socket ({@link #unix}) or an agent's TCP control port
 * with the cluster key ({@link #tcp}), or the first of several agents that answers
 * ({@link #anyOf}). Each call opens its own connection; cheap.
 */
public final class ControlClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a TCP client waits for the agent's hello and for any answer of a status request. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

    private final Connector connector;
    private final ObjectMapper json = ControlProtocol.mapper();

    /** Same as {@link #unix(Path)}. */
    public ControlClient(Path socketPath) {
        this(() -> UnixConnection.open(socketPath));
    }

    private ControlClient(Connector connector) {
        this.connector = connector;
    }

    /** The local agent's control socket. */
    public static ControlClient unix(Path socketPath) {
        return new ControlClient(socketPath);
    }

    /** An agent's control port; every frame is encrypted and authenticated with keys derived from {@code key}. */
    public static ControlClient tcp(InetSocketAddress address, ClusterKey key) {
        byte[] controlKey = ControlFrames.deriveKey(key);
        TcpConnection.warmUp(controlKey);
        return new ControlClient(() -> TcpConnection.open(address, controlKey));
    }

    /**
     * An agent's control port with the key of a file that {@code vigil key rotate} may replace
     * while this client lives (see {@link KeyFileSource}): each connection uses the file's key as
     * it is then, and a connection the agent refused as not the cluster's is made once more if
     * the file, read again, holds another key. Safe to repeat: a refused client's request ran nowhere.
     */
    public static ControlClient tcp(InetSocketAddress address, KeyFileSource keys) {
        TcpConnection.warmUp(keys.controlKey());
        return new ControlClient(() -> new Rekeying(address, keys, TcpConnection.open(address, keys.controlKey())));
    }

    /**
     * Several agents of one cluster, as one client: each connection goes to the agent that last
     * answered, and when it cannot be reached to the next one in list order (wrapping around), so a
     * console survives the death of the node it talked to. Only connecting fails over: a request that
     * reached an agent is never sent a second time (an operator verb must not run twice), but the
     * next call starts with the agent after one whose connection broke.
     */
    public static ControlClient anyOf(List<ControlClient> agents) {
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("anyOf needs at least one agent");
        }
        if (agents.size() == 1) {
            return agents.get(0);
        }
        return new ControlClient(new FailoverConnector(agents.stream().map(c -> c.connector).toList()));
    }

    /** {@link #anyOf} over the TCP control ports at {@code addresses}, tried in this order. */
    public static ControlClient tcp(List<InetSocketAddress> addresses, ClusterKey key) {
        return anyOf(addresses.stream().map(a -> tcp(a, key)).toList());
    }

    /** {@link #anyOf} over the TCP control ports at {@code addresses}, with a key file read again as it changes. */
    public static ControlClient tcp(List<InetSocketAddress> addresses, KeyFileSource keys) {
        return anyOf(addresses.stream().map(a -> tcp(a, keys)).toList());
    }

    public StatusReport status() throws IOException {
        return call(new ControlProtocol.Request("status"), StatusReport.class);
    }

    /** An operator verb; returns once the coordinator reports the outcome. */
    public ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException {
        return call(new ControlProtocol.Request("admin", verb, args, null), ControlProtocol.AdminOutcome.class);
    }

    /** {@code vigil config apply}: returns once the cluster runs the file (or says why not). */
    public ControlProtocol.AdminOutcome applyConfig(String text) throws IOException {
        return call(new ControlProtocol.Request("config-apply", null, List.of(), text),
                ControlProtocol.AdminOutcome.class);
    }

    /** {@code vigil history}: the operations, fences and events the agent keeps. */
    public HistoryReport history() throws IOException {
        return call(new ControlProtocol.Request("history"), HistoryReport.class);
    }

    /** The drill reports the agent keeps for the cluster (op {@code drill-reports}: put, list, get; see {@link DrillReportShelf}). */
    public String drillReports(String verb, List<String> args, String text) throws IOException {
        return call(new ControlProtocol.Request("drill-reports", verb, args, text), String.class);
    }

    /** {@code vigil config show}: the cluster file the agent runs, as distributed. */
    public String runningConfig() throws IOException {
        return call(new ControlProtocol.Request("config-show"), String.class);
    }

    /** {@code serial-test}: one end of a serial link test (send, echo) or its progress; answers at once. */
    public SerialTestReport serialTest(String verb, List<String> args) throws IOException {
        return call(new ControlProtocol.Request(SerialTestReport.OP, verb, args, null), SerialTestReport.class);
    }

    /** Op {@code key}: a step of a key rotation, or {@code rotate} of the whole cluster (answers once it is done). */
    public KeyReport key(String verb, String text) throws IOException {
        return call(new ControlProtocol.Request(KeyReport.OP, verb, List.of(), text), KeyReport.class);
    }

    /**
     * Subscribes to the agent's pushed events: a status snapshot first, then events as they
     * happen (see {@link ControlEvent}). Close the stream to unsubscribe.
     */
    public EventStream subscribe() throws IOException {
        var connection = connector.open();
        try {
            connection.send(json.writeValueAsBytes(new ControlProtocol.Request(ControlDispatch.EVENTS)));
            // The agent sends at least a keepalive every 10 s: silence for three means it is gone.
            connection.readTimeout(ControlDispatch.KEEPALIVE.multipliedBy(3));
            readResponse(connection, String.class);
            return new EventStream(connection, json);
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof Refused)) connection.broken();
            connection.close();
            throw e;
        }
    }

    private <T> T call(ControlProtocol.Request request, Class<T> resultType) throws IOException {
        try (var connection = connector.open()) {
            try {
                connection.send(json.writeValueAsBytes(request));
                boolean keyStep = KeyReport.OP.equals(request.op()) && !"rotate".equals(request.verb());
                if (!"status".equals(request.op()) && !"history".equals(request.op()) && !SerialTestReport.OP.equals(request.op())
                        && !keyStep) {
                    // Operator verbs answer once the cluster has settled, which may take minutes.
                    connection.readTimeout(Duration.ZERO);
                }
                return readResponse(connection, resultType);
            } catch (Refused e) {
                throw e;
            } catch (IOException e) {
                connection.broken();
                throw e;
            }
        }
    }

    private <T> T readResponse(Connection connection, Class<T> resultType) throws IOException {
        byte[] answer = connection.receive();
        JavaType type = json.getTypeFactory().constructParametricType(ControlProtocol.Response.class, resultType);
        ControlProtocol.Response<T> response = json.readValue(answer, type);
        if (!response.ok()) {
            throw new Refused("the agent refused: " + response.error());
        }
        return response.result();
    }

    /** A subscription to an agent's events; {@link #next()} blocks until one arrives. */
    public static final class EventStream implements Closeable {
        private final Connection connection;
        private final ObjectMapper json;

        private EventStream(Connection connection, ObjectMapper json) {
            this.connection = connection;
            this.json = json;
        }

        /** The next event; an {@link IOException} when the agent closed the stream or it was closed here. */
        public ControlEvent next() throws IOException {
            try {
                return json.readValue(connection.receive(), ControlEvent.class);
            } catch (IOException e) {
                connection.broken();
                throw e;
            }
        }

        /** The agent this stream comes from, as HOST:PORT or the socket's path. */
        public String agent() {
            return connection.where();
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    /** The agent answered, and said no: not a broken connection, so no reason to try another agent. */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /** The agent refused the client's key (Refusal.AUTHENTICATION_FAILED): it ran nothing the client sent. */
    private static final class KeyRefused extends IOException {
        KeyRefused(String message) {
            super(message);
        }
    }

    /**
     * A TCP connection whose key came from a {@link KeyFileSource}: when the agent refuses the key
     * before its first answer, the file is read again and, if it holds another key, the same
     * request is sent once more on a new connection with it.
     */
    private static final class Rekeying extends Forwarding {
        private final InetSocketAddress address;
        private final KeyFileSource keys;
        private TcpConnection inner;
        private final List<byte[]> unanswered = new ArrayList<>();
        private Duration timeout;
        private boolean retried;

        Rekeying(InetSocketAddress address, KeyFileSource keys, TcpConnection inner) {
            this.address = address;
            this.keys = keys;
            this.inner = inner;
        }

        @Override
        public void send(byte[] json) throws IOException {
            unanswered.add(json);
            inner.send(json);
        }

        @Override
        public byte[] receive() throws IOException {
            try {
                byte[] answer = inner.receive();
                unanswered.clear(); // authenticated: from here on a failure is not the key's
                retried = true;
                return answer;
            } catch (KeyRefused e) {
                if (retried || !keys.reloadAfterRefusal(inner.controlKey)) throw e;
                retried = true;
                inner.close();
                inner = TcpConnection.open(address, keys.controlKey());
                if (timeout != null) inner.readTimeout(timeout);
                for (byte[] json : unanswered) inner.send(json);
                unanswered.clear();
                return inner.receive();
            }
        }

        @Override
        public void readTimeout(Duration timeout) throws IOException {
            this.timeout = timeout;
            inner.readTimeout(timeout);
        }

        @Override
        Connection inner() {
            return inner;
        }
    }

    @FunctionalInterface
    private interface Connector {
        Connection open() throws IOException;
    }

    /** See {@link #anyOf}. */
    private static final class FailoverConnector implements Connector {
        private final List<Connector> agents;
        /** The agent to try first: the last one that answered. */
        private final AtomicInteger preferred = new AtomicInteger();

        FailoverConnector(List<Connector> agents) {
            this.agents = List.copyOf(agents);
        }

        @Override
        public Connection open() throws IOException {
            int first = preferred.get();
            var problems = new ArrayList<String>();
            for (int i = 0; i < agents.size(); i++) {
                int index = (first + i) % agents.size();
                Connection c;
                try {
                    c = agents.get(index).open();
                } catch (IOException e) {
                    problems.add(e.getMessage());
                    continue;
                }
                preferred.set(index);
                return new Failing(c, () -> preferred.compareAndSet(index, (index + 1) % agents.size()));
            }
            throw new IOException("no agent answers: " + String.join("; ", problems));
        }

        /** A connection that, once broken, makes the next open start with the following agent. */
        private static final class Failing extends Forwarding {
            private final Connection inner;
            private final Runnable onBroken;

            Failing(Connection inner, Runnable onBroken) {
                this.inner = inner;
                this.onBroken = onBroken;
            }

            @Override
            Connection inner() {
                return inner;
            }

            @Override
            public void broken() {
                inner.broken();
                onBroken.run();
            }
        }
    }

    /** A connection that hands every call to {@link #inner()}; subclasses change what they must. */
    private abstract static class Forwarding implements Connection {
        abstract Connection inner();

        @Override
        public void send(byte[] json) throws IOException {
            inner().send(json);
        }

        @Override
        public byte[] receive() throws IOException {
            return inner().receive();
        }

        @Override
        public void readTimeout(Duration timeout) throws IOException {
            inner().readTimeout(timeout);
        }

        @Override
        public void broken() {
            inner().broken();
        }

        @Override
        public String where() {
            return inner().where();
        }

        @Override
        public void close() throws IOException {
            inner().close();
        }
    }

    /** One request/answer conversation (or event stream) on one transport. */
    private interface Connection extends Closeable {
        void send(byte[] json) throws IOException;

        /** It failed after connecting (the agent died or went silent): the next call should try another one. */
        default void broken() {
        }

        /** The agent's address, for messages. */
        String where();

        /** The next whole message; EOF is an error, since the agent always answers. */
        byte[] receive() throws IOException;

        /** Zero: wait for ever. */
        void readTimeout(Duration timeout) throws IOException;
    }

    private static final class UnixConnection implements Connection {
        private final SocketChannel channel;
        private final OutputStream out;
        private final InputStream in;
        private final Path path;

        private UnixConnection(SocketChannel channel, Path path) {
            this.channel = channel;
            this.path = path;
            this.out = Channels.newOutputStream(channel);
            this.in = new BufferedInputStream(Channels.newInputStream(channel));
        }

        static Connection open(Path socketPath) throws IOException {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socketPath));
                return new UnixConnection(ch, socketPath);
            } catch (IOException e) {
                if (ch != null) ch.close();
                throw new IOException("no agent answers on " + socketPath + " (" + e.getMessage()
                        + "); is it running? Start it with: vigil agent --config FILE", e);
            }
        }

        @Override
        public void send(byte[] json) throws IOException {
            out.write(json);
            out.write('\n');
            out.flush();
        }

        @Override
        public byte[] receive() throws IOException {
            var line = new ByteArrayOutputStream(256);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') return line.toByteArray();
                if (line.size() >= ControlFrames.MAX_ANSWER_FRAME) {
                    throw new IOException("the agent's answer exceeds " + ControlFrames.MAX_ANSWER_FRAME + " bytes");
                }
                line.write(c);
            }
            throw new EOFException("the agent closed the connection without answering");
        }

        @Override
        public String where() {
            return path.toString();
        }

        @Override
        public void readTimeout(Duration timeout) {
            // Unix socket channels have no read timeout; the local agent closes the socket when it stops.
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final class TcpConnection implements Connection {
        private static final SecureRandom RANDOM = new SecureRandom();
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ControlSession session;
        private final String where;
        /** The key it authenticated with, to tell a refused key from a new one. */
        private final byte[] controlKey;

        private TcpConnection(Socket socket, InputStream in, OutputStream out, ControlSession session, String where,
                              byte[] controlKey) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.session = session;
            this.where = where;
            this.controlKey = controlKey;
        }

        /**
         * Runs the code between the agent's hello and our AUTH once before connecting: the agent
         * gives a handshake only {@code TcpControlServer.HANDSHAKE_TIMEOUT} (300 ms), and a cold
         * JVM's first SecureRandom and HMAC must not be spent inside it.
         */
        static void warmUp(byte[] controlKey) {
            byte[] nonce = new byte[ControlFrames.NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            var session = ControlSession.client(controlKey, nonce, nonce);
            session.authBody();
            session.seal(new byte[64]); // AES-GCM's first use loads and checks its provider

        }

        static TcpConnection open(InetSocketAddress address, byte[] controlKey) throws IOException {
            String where = address.getHostString() + ":" + address.getPort();
            var socket = new Socket();
            try {
                socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            } catch (IOException e) {
                socket.close();
                throw new IOException("no agent answers on " + where + " (" + e.getMessage()
                        + "); is it running, and is its control port enabled?", e);
            }
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
                var in = new BufferedInputStream(socket.getInputStream());
                var out = new BufferedOutputStream(socket.getOutputStream());
                // Room for a refusal instead of the hello (too many connections): its text, not "frame too large".
                byte[] serverNonce = ControlFrames.readHello(ControlFrames.read(in, 1 + 256));
                byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];
                RANDOM.nextBytes(clientNonce);
                var session = ControlSession.client(controlKey, serverNonce, clientNonce);
                ControlFrames.write(out, ControlFrames.Type.AUTH, session.authBody());
                return new TcpConnection(socket, in, out, session, where, controlKey);
            } catch (FrameException e) {
                socket.close();
                throw new IOException(where + ": " + e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        @Override
        public void send(byte[] json) throws IOException {
            if (json.length > ControlProtocol.MAX_LINE_BYTES) {
                throw new IOException("request of " + json.length + " bytes; the agent accepts at most "
                        + ControlProtocol.MAX_LINE_BYTES);
            }
            ControlFrames.write(out, ControlFrames.Type.REQUEST, session.seal(json));
        }

        @Override
        public byte[] receive() throws IOException {
            ControlFrames.Frame frame;
            try {
                frame = ControlFrames.read(in, ControlFrames.MAX_ANSWER_FRAME);
            } catch (EOFException e) {
                throw new EOFException("the agent at " + where + " closed the connection without answering");
            }
            if (frame.type() == ControlFrames.Type.REFUSED) {
                String text = ControlFrames.refusalText(frame);
                if (text.equals(Refusal.AUTHENTICATION_FAILED.message())) {
                    throw new KeyRefused("the agent at " + where + " refused: " + text + " (is this the cluster's key file?)");
                }
                throw new IOException("the agent at " + where + " refused: " + text);
            }
            try {
                return session.open(frame);
            } catch (FrameException e) {
                throw new IOException("the answer from " + where + " is not genuine (" + e.getMessage()
                        + "): a different cluster key, or someone in between", e);
            }
        }

        @Override
        public void readTimeout(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
        }

        @Override
        public String where() {
            return where;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
