package dev.vigil.control;

import dev.vigil.control.ControlFrames.Type;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One authenticated conversation on the TCP control channel, seen from one side.
 *
 * <p>The server opens with a fresh random nonce (HELLO); the client answers with its own nonce
 * and a tag over both (AUTH), proving it holds the cluster key. From then on every frame body is
 *
 * <pre>
 *  8  sequence number: 1, 2, 3, ... per direction
 *  n  payload (JSON)
 *  32 HMAC-SHA256(control key, type ‖ server nonce ‖ client nonce ‖ sequence ‖ payload)
 * </pre>
 *
 * where the control key is derived from the cluster key ({@link ControlFrames#deriveKey}). The
 * server nonce makes a frame recorded on one connection worthless on any other; the sequence
 * makes it worthless twice on the same one; the type keeps an answer from being reflected back
 * as a request; the client nonce lets the client know the answers are not a recording either.
 * Tags are compared in constant time. Not thread-safe: one per connection and side.
 */
public final class ControlSession {
    private final Mac mac;
    private final byte[] serverNonce;
    private final byte[] clientNonce;
    private final Type sends;
    private final Type receives;
    private long nextSend = 1;
    private long nextReceive = 1;

    private ControlSession(byte[] controlKey, byte[] serverNonce, byte[] clientNonce, Type sends, Type receives) {
        this.mac = mac(controlKey);
        this.serverNonce = serverNonce.clone();
        this.clientNonce = clientNonce.clone();
        this.sends = sends;
        this.receives = receives;
    }

    /** The client's side, once it has the server's nonce; {@link #authBody()} is what it sends next. */
    public static ControlSession client(byte[] controlKey, byte[] serverNonce, byte[] clientNonce) {
        return new ControlSession(controlKey, serverNonce, clientNonce, Type.REQUEST, Type.ANSWER);
    }

    /**
     * The server's side, from the client's AUTH frame.
     *
     * @throws FrameException if it is not an AUTH frame, or its tag is not made with the control key
     */
    public static ControlSession server(byte[] controlKey, byte[] serverNonce, ControlFrames.Frame auth)
            throws FrameException {
        if (auth.type() != Type.AUTH) {
            throw new FrameException(Refusal.MALFORMED, "expected authentication, got a " + auth.type() + " frame");
        }
        byte[] body = auth.body();
        if (body.length != ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES) {
            throw new FrameException(body.length < ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES
                    ? Refusal.TRUNCATED : Refusal.MALFORMED, "authentication of " + body.length + " bytes");
        }
        byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];
        System.arraycopy(body, 0, clientNonce, 0, clientNonce.length);
        var session = new ControlSession(controlKey, serverNonce, clientNonce, Type.ANSWER, Type.REQUEST);
        byte[] tag = new byte[ControlFrames.TAG_BYTES];
        System.arraycopy(body, ControlFrames.NONCE_BYTES, tag, 0, tag.length);
        if (!MessageDigest.isEqual(tag, session.authTag())) {
            throw new FrameException(Refusal.AUTHENTICATION_FAILED, "wrong key in the client's authentication");
        }
        return session;
    }

    /** AUTH body: client nonce ‖ tag over both nonces. */
    public byte[] authBody() {
        return ByteBuffer.allocate(ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES)
                .put(clientNonce).put(authTag()).array();
    }

    private byte[] authTag() {
        mac.update(Type.AUTH.code);
        mac.update(serverNonce);
        mac.update(clientNonce);
        return mac.doFinal();
    }

    /** The body of the next frame this side sends. */
    public byte[] seal(byte[] payload) {
        long seq = nextSend++;
        byte[] tag = tag(sends, seq, payload, 0, payload.length);
        return ByteBuffer.allocate(ControlFrames.SEQ_BYTES + payload.length + ControlFrames.TAG_BYTES)
                .putLong(seq).put(payload).put(tag).array();
    }

    /**
     * The payload of the next frame this side receives, once its tag and sequence check out.
     * The tag is checked first: a replay is authentic, so it is told apart from a forgery.
     */
    public byte[] open(ControlFrames.Frame frame) throws FrameException {
        if (frame.type() != receives) {
            throw new FrameException(Refusal.MALFORMED, "expected a " + receives + " frame, got " + frame.type());
        }
        byte[] body = frame.body();
        if (body.length < ControlFrames.SEQ_BYTES + ControlFrames.TAG_BYTES) {
            throw new FrameException(Refusal.TRUNCATED, "a sealed frame of " + body.length + " bytes");
        }
        long seq = ByteBuffer.wrap(body, 0, ControlFrames.SEQ_BYTES).getLong();
        int payloadLength = body.length - ControlFrames.SEQ_BYTES - ControlFrames.TAG_BYTES;
        byte[] expected = tag(receives, seq, body, ControlFrames.SEQ_BYTES, payloadLength);
        byte[] actual = new byte[ControlFrames.TAG_BYTES];
        System.arraycopy(body, body.length - ControlFrames.TAG_BYTES, actual, 0, actual.length);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new FrameException(Refusal.AUTHENTICATION_FAILED, "the tag of frame " + seq + " does not match");
        }
        if (seq != nextReceive) {
            throw new FrameException(Refusal.REPLAYED, "frame " + seq + " where " + nextReceive + " was due");
        }
        nextReceive++;
        byte[] payload = new byte[payloadLength];
        System.arraycopy(body, ControlFrames.SEQ_BYTES, payload, 0, payloadLength);
        return payload;
    }

    private byte[] tag(Type type, long seq, byte[] data, int offset, int length) {
        mac.update(type.code);
        mac.update(serverNonce);
        mac.update(clientNonce);
        mac.update(ByteBuffer.allocate(8).putLong(seq).array());
        mac.update(data, offset, length);
        return mac.doFinal();
    }

    private static Mac mac(byte[] key) {
        try {
            var m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
