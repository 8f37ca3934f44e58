package dev.vigil.sealed;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * An authenticated, encrypted connection over TCP from a shared key, with no certificates.
 *
 * <p>The handshake: the client sends {@code VSL1}, a hello (the application's, in the clear: it
 * names the key to use, e.g. a cluster) and 32 fresh random bytes; the server finds the key for
 * that hello (or closes), and answers {@code VSL1} and 32 fresh bytes of its own. Both derive a key
 * per direction ({@link SealedKeys}: HKDF-SHA256 salted with both nonces, bound to the whole
 * transcript), then each proves it has the key with a first sealed frame the other checks. From
 * then on {@link #read()} and {@link #write} move {@link SealedFrames}. Every read has a timeout.
 */
public final class SealedChannel implements AutoCloseable {
    private static final byte[] MAGIC = "VSL1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_PROOF = "vigil-sealed client ready".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_PROOF = "vigil-sealed server ready".getBytes(StandardCharsets.US_ASCII);
    static final int NONCE_BYTES = 32;
    /** A hello names a peer, not a payload. */
    public static final int MAX_HELLO = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final SealedFrames.Reader reader;
    private final SealedFrames.Writer writer;
    private final byte[] hello;

    private SealedChannel(Socket socket, SealedFrames.Reader reader, SealedFrames.Writer writer, byte[] hello) {
        this.socket = socket;
        this.reader = reader;
        this.writer = writer;
        this.hello = hello;
    }

    /**
     * The client's side, on a connected socket.
     *
     * @param readTimeout the longest wait for any read, the handshake's included
     * @param maxPayload  the largest frame either side may send
     */
    public static SealedChannel client(Socket socket, byte[] hello, byte[] sharedKey, Duration readTimeout,
                                       int maxPayload, SealedCounters counters) throws IOException {
        if (hello.length > MAX_HELLO) throw new IllegalArgumentException("hello over " + MAX_HELLO + " bytes");
        socket.setSoTimeout(timeoutMs(readTimeout));
        byte[] clientNonce = nonce();
        var out = socket.getOutputStream();
        out.write(SealedKeys.concat(SealedKeys.concat(MAGIC, ByteBuffer.allocate(2).putShort((short) hello.length).array()),
                SealedKeys.concat(hello, clientNonce)));
        out.flush();
        var in = new DataInputStream(socket.getInputStream());
        byte[] answer = readHandshake(in, MAGIC.length + NONCE_BYTES, counters);
        if (!Arrays.equals(Arrays.copyOf(answer, MAGIC.length), MAGIC)) {
            throw refuse(counters, "the server does not speak vigil-sealed/1");
        }
        byte[] serverNonce = Arrays.copyOfRange(answer, MAGIC.length, answer.length);
        var keys = SealedKeys.derive(sharedKey, clientNonce, serverNonce, transcript(hello, clientNonce, serverNonce));
        var channel = new SealedChannel(socket, new SealedFrames.Reader(in, keys.toClient(), maxPayload, counters),
                new SealedFrames.Writer(out, keys.toServer(), maxPayload), hello);
        channel.write(CLIENT_PROOF);
        channel.expectProof(SERVER_PROOF, counters);
        return channel;
    }

    /**
     * The server's side, on an accepted socket.
     *
     * @param keyFor the shared key for a client's hello, empty to refuse it (the connection is closed)
     */
    public static SealedChannel server(Socket socket, Function<byte[], Optional<byte[]>> keyFor, Duration readTimeout,
                                       int maxPayload, SealedCounters counters) throws IOException {
        socket.setSoTimeout(timeoutMs(readTimeout));
        var in = new DataInputStream(socket.getInputStream());
        byte[] head = readHandshake(in, MAGIC.length + 2, counters);
        if (!Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
            throw refuse(counters, "the client does not speak vigil-sealed/1");
        }
        int helloLength = ByteBuffer.wrap(head, MAGIC.length, 2).getShort() & 0xffff;
        if (helloLength > MAX_HELLO) throw refuse(counters, "a hello of " + helloLength + " bytes");
        byte[] rest = readHandshake(in, helloLength + NONCE_BYTES, counters);
        byte[] hello = Arrays.copyOf(rest, helloLength);
        byte[] clientNonce = Arrays.copyOfRange(rest, helloLength, rest.length);
        var key = keyFor.apply(hello);
        if (key.isEmpty()) throw refuse(counters, "no key for hello `" + new String(hello, StandardCharsets.UTF_8) + "`");
        byte[] serverNonce = nonce();
        OutputStream out = socket.getOutputStream();
        out.write(SealedKeys.concat(MAGIC, serverNonce));
        out.flush();
        var keys = SealedKeys.derive(key.get(), clientNonce, serverNonce, transcript(hello, clientNonce, serverNonce));
        var channel = new SealedChannel(socket, new SealedFrames.Reader(in, keys.toServer(), maxPayload, counters),
                new SealedFrames.Writer(out, keys.toClient(), maxPayload), hello);
        channel.expectProof(CLIENT_PROOF, counters);
        channel.write(SERVER_PROOF);
        return channel;
    }

    /** What the client named itself in the handshake. */
    public byte[] hello() {
        return hello.clone();
    }

    /** The next payload; empty when the peer closed cleanly between frames. Throws {@link SealedRefusal} on anything refused. */
    public Optional<byte[]> read() throws IOException {
        return reader.read();
    }

    public void write(byte[] payload) throws IOException {
        writer.write(payload);
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }

    private void expectProof(byte[] proof, SealedCounters counters) throws IOException {
        var got = read();
        if (got.isEmpty()) {
            counters.count(SealedCounters.Reason.TRUNCATED);
            throw new SealedRefusal(SealedCounters.Reason.TRUNCATED, "the peer closed during the handshake");
        }
        if (!MessageDigest.isEqual(got.get(), proof)) throw refuse(counters, "the peer's first frame is not its proof");
    }

    private static byte[] transcript(byte[] hello, byte[] clientNonce, byte[] serverNonce) {
        return SealedKeys.concat(SealedKeys.concat(MAGIC, hello), SealedKeys.concat(clientNonce, serverNonce));
    }

    private static byte[] readHandshake(DataInputStream in, int n, SealedCounters counters) throws IOException {
        byte[] b = new byte[n];
        try {
            in.readFully(b);
            return b;
        } catch (EOFException e) {
            counters.count(SealedCounters.Reason.TRUNCATED);
            throw new SealedRefusal(SealedCounters.Reason.TRUNCATED, "the stream ended inside the handshake");
        } catch (SocketTimeoutException e) {
            counters.count(SealedCounters.Reason.TIMEOUT);
            throw new SealedRefusal(SealedCounters.Reason.TIMEOUT, "the handshake stopped arriving");
        }
    }

    private static SealedRefusal refuse(SealedCounters counters, String message) {
        counters.count(SealedCounters.Reason.HANDSHAKE);
        return new SealedRefusal(SealedCounters.Reason.HANDSHAKE, message);
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    private static int timeoutMs(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
