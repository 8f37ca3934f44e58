package dev.vigil.control;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.config.ClusterKey;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes what the TCP control server does with a client's bytes before anything is executed:
 * frame reading, the authentication frame and sealed requests. Bad input may only ever be a
 * {@link FrameException} (a refusal) or the end of the stream; and no input, whatever its
 * length field says, may make the reader allocate more than its limit.
 *
 * <p>Run by {@code ./mvnw verify} for {@code fuzz.duration} in its own JVM (see agent/pom.xml).
 */
@Tag("fuzz")
class ControlFramesFuzzTest {
    private static final byte[] KEY = ControlFrames.deriveKey(
            new ClusterKey("fuzz-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8)));
    private static final byte[] SERVER_NONCE = new byte[ControlFrames.NONCE_BYTES];

    @FuzzTest(maxDuration = "60s")
    void serverSideOfAConnection(byte[] data) throws FrameException {
        var in = new ByteArrayInputStream(data);
        try {
            var session = ControlSession.server(KEY, SERVER_NONCE,
                    ControlFrames.read(in, 1 + ControlFrames.NONCE_BYTES + ControlFrames.TAG_BYTES));
            // Random bytes cannot carry a valid tag: reaching here would be a forgery.
            throw new AssertionError("authenticated without the key: " + session);
        } catch (FrameException | EOFException expected) {
            // refused, as it must be
        } catch (IOException e) {
            throw new AssertionError("an in-memory stream failed: " + e, e);
        }
        // Past authentication: a genuine session reading the same bytes as requests.
        var session = ControlSession.server(KEY, SERVER_NONCE, authFrameFor(new byte[ControlFrames.NONCE_BYTES]));
        in = new ByteArrayInputStream(data);
        for (int i = 0; i < 64; i++) {
            try {
                var frame = ControlFrames.read(in, ControlFrames.MAX_REQUEST_FRAME);
                if (frame.body().length + 1 > ControlFrames.MAX_REQUEST_FRAME) {
                    throw new AssertionError("read a frame past the limit");
                }
                session.open(frame);
                throw new AssertionError("a forged request was accepted");
            } catch (FrameException | EOFException refused) {
                return;
            } catch (IOException e) {
                throw new AssertionError("an in-memory stream failed: " + e, e);
            }
        }
    }

    private static ControlFrames.Frame authFrameFor(byte[] clientNonce) {
        var client = ControlSession.client(KEY, SERVER_NONCE, clientNonce);
        return new ControlFrames.Frame(ControlFrames.Type.AUTH, client.authBody());
    }
}
