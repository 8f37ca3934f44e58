package dev.vigil.control;

import dev.vigil.control.ControlFrames.Type;
import dev.vigil.sealed.SealedKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One encrypted, authenticated conversation on the TCP control channel (protocol 2), seen from one side.
 *
 * <p>The server opens with a fresh random nonce (HELLO); the client answers with the protocol
 * version, its own nonce and an HMAC over both (AUTH), proving it holds the cluster key. Both then
 * derive one AES-256 key per direction with {@link SealedKeys} (HKDF-SHA256 from the control key,
 * salted with both nonces and bound to the handshake), so every connection has keys of its own.
 * From then on every frame body is
 *
 * <pre>
 *  8  sequence number: 1, 2, 3, ... per direction
 *  n  AES-256-GCM ciphertext of the payload (JSON), nonce = the sequence, associated data = type ‖ sequence
 *  16 GCM tag
 * </pre>
 *
 * A frame recorded on one connection never opens on another (other keys); a replay on the same
 * one is authentic but not the sequence due; an answer reflected back as a request opens under
 * neither the type nor the key of requests. Not thread-safe: one per connection and side.
 */
public final class ControlSession {
    /** GCM's tag, after the ciphertext. */
    static final int GCM_TAG_BYTES = 16;
    /** What AUTH carries first: a protocol-1 client sent no version (its AUTH is one byte shorter). */
    static final byte AUTH_VERSION = 2;
    static final int AUTH_BYTES = 1 + ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES;
    static final int PLAINTEXT_AUTH_BYTES = ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES;
    private static final byte[] TRANSCRIPT_LABEL = "vigil control channel v2".getBytes(StandardCharsets.US_ASCII);

    private final byte[] serverNonce;
    private final byte[] clientNonce;
    private final byte[] authTag;
    private final Type sends;
    private final Type receives;
    private final SecretKeySpec sendKey;
    private final SecretKeySpec receiveKey;
    private final int keyIndex;
    private final Cipher cipher;
    private long nextSend = 1;
    private long nextReceive = 1;

    private ControlSession(byte[] controlKey, int keyIndex, byte[] serverNonce, byte[] clientNonce, boolean client) {
        this.serverNonce = serverNonce.clone();
        this.clientNonce = clientNonce.clone();
        this.keyIndex = keyIndex;
        this.authTag = authTag(controlKey, this.serverNonce, this.clientNonce);
        this.sends = client ? Type.REQUEST : Type.ANSWER;
        this.receives = client ? Type.ANSWER : Type.REQUEST;
        byte[] transcript = concat(TRANSCRIPT_LABEL, this.serverNonce, this.clientNonce, authTag);
        var keys = SealedKeys.derive(controlKey, this.clientNonce, this.serverNonce, transcript);
        var toServer = new SecretKeySpec(keys.toServer(), "AES");
        var toClient = new SecretKeySpec(keys.toClient(), "AES");
        this.sendKey = client ? toServer : toClient;
        this.receiveKey = client ? toClient : toServer;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
    }

    /** The client's side, once it has the server's nonce; {@link #authBody()} is what it sends next. */
    public static ControlSession client(byte[] controlKey, byte[] serverNonce, byte[] clientNonce) {
        return new ControlSession(controlKey, 0, serverNonce, clientNonce, true);
    }

    /** {@link #server(List, byte[], ControlFrames.Frame)} with one key. */
    public static ControlSession server(byte[] controlKey, byte[] serverNonce, ControlFrames.Frame auth)
            throws FrameException {
        return server(List.of(controlKey), serverNonce, auth);
    }

    /**
     * The server's side, from the client's AUTH frame: the first of {@code controlKeys} that made
     * its tag is this connection's key (two during a key rotation: the new one first, then the old).
     *
     * @throws FrameException if it is not a protocol-2 AUTH frame, or its tag is made with none of the keys
     */
    public static ControlSession server(List<byte[]> controlKeys, byte[] serverNonce, ControlFrames.Frame auth)
            throws FrameException {
        if (auth.type() != Type.AUTH) {
            throw new FrameException(Refusal.MALFORMED, "expected authentication, got a " + auth.type() + " frame");
        }
        byte[] body = auth.body();
        if (body.length == PLAINTEXT_AUTH_BYTES) {
            throw new FrameException(Refusal.PLAINTEXT_CLIENT, "a protocol-1 client (plaintext frames)");
        }
        if (body.length != AUTH_BYTES) {
            throw new FrameException(body.length < AUTH_BYTES ? Refusal.TRUNCATED : Refusal.MALFORMED,
                    "authentication of " + body.length + " bytes");
        }
        if (body[0] != AUTH_VERSION) {
            throw new FrameException(Refusal.MALFORMED, "authentication of version " + (body[0] & 0xFF));
        }
        byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];
        System.arraycopy(body, 1, clientNonce, 0, clientNonce.length);
        byte[] tag = new byte[ControlFrames.TAG_BYTES];
        System.arraycopy(body, 1 + ControlFrames.NONCE_BYTES, tag, 0, tag.length);
        for (int i = 0; i < controlKeys.size(); i++) {
            if (MessageDigest.isEqual(tag, authTag(controlKeys.get(i), serverNonce, clientNonce))) {
                return new ControlSession(controlKeys.get(i), i, serverNonce, clientNonce, false);
            }
        }
        throw new FrameException(Refusal.AUTHENTICATION_FAILED, "wrong key in the client's authentication");
    }

    /** Which of the server's keys the client proved: 0 the first (the current one). */
    public int keyIndex() {
        return keyIndex;
    }

    /** AUTH body: version ‖ client nonce ‖ tag over both nonces. */
    public byte[] authBody() {
        return ByteBuffer.allocate(AUTH_BYTES).put(AUTH_VERSION).put(clientNonce).put(authTag).array();
    }

    private static byte[] authTag(byte[] controlKey, byte[] serverNonce, byte[] clientNonce) {
        var mac = mac(controlKey);
        mac.update(Type.AUTH.code);
        mac.update(AUTH_VERSION);
        mac.update(serverNonce);
        mac.update(clientNonce);
        return mac.doFinal();
    }

    /** The body of the next frame this side sends. */
    public byte[] seal(byte[] payload) {
        long seq = nextSend++;
        byte[] sealed;
        try {
            sealed = crypt(Cipher.ENCRYPT_MODE, sendKey, sends, seq, payload, 0, payload.length);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("sealing cannot fail a tag check", e);
        }
        return ByteBuffer.allocate(ControlFrames.SEQ_BYTES + sealed.length).putLong(seq).put(sealed).array();
    }

    /**
     * The payload of the next frame this side receives, once it decrypts and its sequence checks out.
     * The tag is checked first: a replay is authentic, so it is told apart from a forgery.
     */
    public byte[] open(ControlFrames.Frame frame) throws FrameException {
        if (frame.type() != receives) {
            throw new FrameException(Refusal.MALFORMED, "expected a " + receives + " frame, got " + frame.type());
        }
        byte[] body = frame.body();
        if (body.length < ControlFrames.SEQ_BYTES + GCM_TAG_BYTES) {
            throw new FrameException(Refusal.TRUNCATED, "a sealed frame of " + body.length + " bytes");
        }
        long seq = ByteBuffer.wrap(body, 0, ControlFrames.SEQ_BYTES).getLong();
        byte[] payload;
        try {
            payload = crypt(Cipher.DECRYPT_MODE, receiveKey, receives, seq, body, ControlFrames.SEQ_BYTES,
                    body.length - ControlFrames.SEQ_BYTES);
        } catch (AEADBadTagException e) {
            throw new FrameException(Refusal.AUTHENTICATION_FAILED, "frame " + seq + " does not decrypt");
        }
        if (seq != nextReceive) {
            throw new FrameException(Refusal.REPLAYED, "frame " + seq + " where " + nextReceive + " was due");
        }
        nextReceive++;
        return payload;
    }

    private byte[] crypt(int mode, SecretKeySpec key, Type type, long seq, byte[] data, int offset, int length)
            throws AEADBadTagException {
        try {
            byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(seq).array();
            cipher.init(mode, key, new GCMParameterSpec(GCM_TAG_BYTES * 8, nonce));
            cipher.updateAAD(ByteBuffer.allocate(9).put(type.code).putLong(seq).array());
            return cipher.doFinal(data, offset, length);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
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

    /** The handshake's bytes, in order, for the key derivation. */
    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (var p : parts) n += p.length;
        var b = ByteBuffer.allocate(n);
        for (var p : parts) b.put(p);
        return b.array();
    }
}
