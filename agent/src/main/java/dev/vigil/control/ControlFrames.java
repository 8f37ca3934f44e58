package dev.vigil.control;

import dev.vigil.config.ClusterKey;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Framing of the TCP control channel. Every frame is
 *
 * <pre>
 *  4  length of what follows (type and body), big-endian; at least 1
 *  1  type ({@link Type})
 *  n  body
 * </pre>
 *
 * The length is checked against the reader's limit before anything else is read, so a peer
 * cannot make the agent allocate more than that limit. See {@link ControlSession} for the bodies.
 */
public final class ControlFrames {
    /**
     * Announced in the hello; a client accepts its own and one either side ({@link #speaks}), but
     * never one below {@link #MIN_PROTOCOL_VERSION}. Version 2 encrypts every frame ({@link ControlSession}).
     */
    public static final int PROTOCOL_VERSION = 2;
    /** Version 1 sent requests and answers in clear (authenticated only): never spoken again, see docs/security.md. */
    public static final int MIN_PROTOCOL_VERSION = 2;
    public static final int NONCE_BYTES = 16;
    public static final int TAG_BYTES = 32;
    public static final int SEQ_BYTES = 8;
    /** A request carries at most what the Unix socket accepts in one line, plus sequence and tag. */
    public static final int MAX_REQUEST_FRAME = 1 + SEQ_BYTES + ControlProtocol.MAX_LINE_BYTES + TAG_BYTES;
    /** Answers (a status of a large cluster) may be bigger; still bounded, so a fake agent cannot exhaust the client. */
    public static final int MAX_ANSWER_FRAME = 8 * 1024 * 1024;
    /** Label of the derived key: control MACs can never be mistaken for heartbeat MACs made with the cluster key itself. */
    static final String KEY_LABEL = "vigil control channel v1";

    private ControlFrames() {}

    public enum Type {
        /** server → client, first: version (1) and the server's nonce (16). Not authenticated. */
        HELLO('H'),
        /** client → server, second: the protocol version (1), the client's nonce (16) and a tag over both nonces (32). */
        AUTH('A'),
        /** client → server: a sealed request (sequence, encrypted JSON, tag). */
        REQUEST('C'),
        /** server → client: a sealed answer or event (sequence, encrypted JSON, tag). */
        ANSWER('S'),
        /** server → client, last: why the connection is refused, UTF-8. Not authenticated: it only ever ends a connection. */
        REFUSED('R');

        final byte code;

        Type(char code) {
            this.code = (byte) code;
        }

        static Type of(byte code) {
            for (var t : values()) {
                if (t.code == code) return t;
            }
            return null;
        }
    }

    public record Frame(Type type, byte[] body) {}

    /**
     * Reads one frame of at most {@code maxLength} bytes (type and body).
     *
     * @throws FrameException for anything that is not such a frame
     * @throws EOFException   when the connection ends cleanly between frames
     */
    public static Frame read(InputStream in, int maxLength) throws IOException {
        byte[] header = new byte[4];
        int got = readFully(in, header);
        if (got == 0) {
            throw new EOFException("connection closed");
        }
        if (got < 4) {
            throw new FrameException(Refusal.TRUNCATED, "connection ended inside a frame's length");
        }
        long length = ByteBuffer.wrap(header).getInt() & 0xFFFF_FFFFL;
        if (length == 0) {
            throw new FrameException(Refusal.MALFORMED, "empty frame");
        }
        if (length > maxLength) {
            throw new FrameException(Refusal.OVERSIZED, length + " bytes, at most " + maxLength + " accepted");
        }
        byte[] rest = new byte[(int) length];
        if (readFully(in, rest) < rest.length) {
            throw new FrameException(Refusal.TRUNCATED, "connection ended inside a frame of " + length + " bytes");
        }
        var type = Type.of(rest[0]);
        if (type == null) {
            throw new FrameException(Refusal.MALFORMED, "unknown frame type 0x" + Integer.toHexString(rest[0] & 0xFF));
        }
        byte[] body = new byte[rest.length - 1];
        System.arraycopy(rest, 1, body, 0, body.length);
        return new Frame(type, body);
    }

    /** The bytes of one frame, for {@link #write} and for tests that tamper with them. */
    public static byte[] encode(Type type, byte[] body) {
        var buf = ByteBuffer.allocate(4 + 1 + body.length);
        buf.putInt(1 + body.length).put(type.code).put(body);
        return buf.array();
    }

    public static void write(OutputStream out, Type type, byte[] body) throws IOException {
        out.write(encode(type, body));
        out.flush();
    }

    public static byte[] hello(byte[] serverNonce) {
        return ByteBuffer.allocate(1 + NONCE_BYTES).put((byte) PROTOCOL_VERSION).put(serverNonce).array();
    }

    /** The server's nonce from a HELLO body. */
    public static byte[] readHello(Frame frame) throws FrameException {
        if (frame.type() == Type.REFUSED) {
            throw new FrameException(Refusal.MALFORMED, "the agent refused: " + refusalText(frame));
        }
        if (frame.type() != Type.HELLO || frame.body().length < 1 + NONCE_BYTES) {
            throw new FrameException(Refusal.MALFORMED, "expected the agent's hello, got a " + frame.type() + " frame of "
                    + frame.body().length + " bytes; is this a Vigil control port?");
        }
        int version = frame.body()[0] & 0xFF;
        if (version >= 1 && version < MIN_PROTOCOL_VERSION) {
            // No fall-back to clear text: a forged hello must not be able to switch encryption off.
            throw new FrameException(Refusal.MALFORMED, "the agent speaks control protocol " + version
                    + ", which sends everything in clear; this client only speaks the encrypted protocol "
                    + PROTOCOL_VERSION + ". Upgrade that agent (vigil install --upgrade), or reach an upgraded one");
        }
        if (!speaks(version, PROTOCOL_VERSION)) {
            throw new FrameException(Refusal.MALFORMED, "the agent speaks control protocol version " + version
                    + ", this client " + PROTOCOL_VERSION + " (one version apart at most: upgrade one version at a time)");
        }
        // A newer agent may append to its hello (as to a heartbeat packet): skipped. Our own version has nothing after the nonce.
        if (version <= PROTOCOL_VERSION && frame.body().length != 1 + NONCE_BYTES) {
            throw new FrameException(Refusal.MALFORMED, "a hello of " + frame.body().length + " bytes; is this a Vigil control port?");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        System.arraycopy(frame.body(), 1, nonce, 0, NONCE_BYTES);
        return nonce;
    }

    /**
     * Whether a client of protocol {@code own} talks to an agent announcing {@code version}: its own
     * and one either side, so that during a rolling upgrade an agent and a client of versions N and
     * N+1 understand each other (the JSON bodies ignore unknown fields both ways).
     */
    static boolean speaks(int version, int own) {
        return version >= Math.max(1, own - 1) && version <= own + 1;
    }

    public static String refusalText(Frame frame) {
        return new String(frame.body(), 0, Math.min(frame.body().length, 200), StandardCharsets.UTF_8);
    }

    /** HMAC-SHA256(cluster key, label): the key of every control MAC. */
    public static byte[] deriveKey(ClusterKey clusterKey) {
        return clusterKey.derive(KEY_LABEL);
    }

    /** Reads until {@code buf} is full or the stream ends; returns how many bytes were read. */
    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) break;
            n += r;
        }
        return n;
    }
}
