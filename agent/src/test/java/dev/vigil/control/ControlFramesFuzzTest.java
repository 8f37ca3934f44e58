package dev.vigil.control;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.config.ClusterKey;
import dev.vigil.testing.FuzzRun;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes what the TCP control server does with a client's bytes: frame reading, the
 * authentication frame and sealed requests. Bad input may only ever be a {@link FrameException}
 * (a refusal) or the end of the stream; and no input, whatever its length field says, may make
 * the reader allocate more than its limit.
 *
 * <p>Random bytes never carry a valid tag, which would leave everything after authentication
 * unexplored; so the same bytes are also sealed with the test key, as a genuine client would
 * (as the packet fuzzer re-signs its packets), and go through the whole server path: open, parse
 * the request JSON, answer it with a spy handler, seal the answer, and the client opens it.
 *
 * <p>Run by {@code ./mvnw verify} for {@code fuzz.duration} in its own JVM (see agent/pom.xml).
 */
@Tag("fuzz")
class ControlFramesFuzzTest {
    private static final byte[] KEY = ControlFrames.deriveKey(
            new ClusterKey("fuzz-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8)));
    private static final byte[] SERVER_NONCE = new byte[ControlFrames.NONCE_BYTES];

    private static final byte[] CLIENT_NONCE = new byte[ControlFrames.NONCE_BYTES];
    private static final ControlDispatch DISPATCH = new ControlDispatch(new SpyHandler());
    private static final FuzzRun RUN = new FuzzRun();

    @AfterAll
    static void fuzzedForItsTime() {
        RUN.check("ControlFramesFuzzTest");
    }

    @FuzzTest(maxDuration = "60s")
    void serverSideOfAConnection(byte[] data) throws IOException {
        RUN.saw();
        unauthenticated(data);
        sealedWithTheKey(data);
    }

    /** The bytes as a genuine client would send them as its request: everything after authentication. */
    private static void sealedWithTheKey(byte[] data) throws IOException {
        byte[] payload = data.length > ControlProtocol.MAX_LINE_BYTES
                ? Arrays.copyOf(data, ControlProtocol.MAX_LINE_BYTES) : data;
        var client = ControlSession.client(KEY, SERVER_NONCE, CLIENT_NONCE);
        var server = ControlSession.server(KEY, SERVER_NONCE, new ControlFrames.Frame(ControlFrames.Type.AUTH,
                client.authBody()));
        byte[] frame = ControlFrames.encode(ControlFrames.Type.REQUEST, client.seal(payload));
        var read = ControlFrames.read(new ByteArrayInputStream(frame), ControlFrames.MAX_REQUEST_FRAME);
        byte[] opened;
        try {
            opened = server.open(read);
        } catch (FrameException e) {
            throw new AssertionError("a genuinely sealed request was refused: " + e.getMessage(), e);
        }
        if (!Arrays.equals(opened, payload)) {
            throw new AssertionError("the request opened to other bytes than were sealed");
        }
        // What the server does with it, as in TcpControlServer.converse: any exception is a finding.
        var parsed = DISPATCH.parse(opened);
        ControlProtocol.Response<?> answer;
        if (parsed instanceof ControlDispatch.Parsed.Bad bad) {
            answer = bad.answer();
        } else if (parsed instanceof ControlDispatch.Parsed.Ok ok) {
            if (ok.request().op() == null) throw new AssertionError("parsed a request without an op");
            if (ControlDispatch.EVENTS.equals(ok.request().op())) return;
            answer = DISPATCH.answer(ok.request());
        } else {
            throw new AssertionError("parse returned " + parsed);
        }
        byte[] json = ControlJson.write(answer);
        byte[] back = ControlFrames.encode(ControlFrames.Type.ANSWER, server.seal(json));
        var answerFrame = ControlFrames.read(new ByteArrayInputStream(back), ControlFrames.MAX_ANSWER_FRAME);
        try {
            if (!Arrays.equals(client.open(answerFrame), json)) throw new AssertionError("the answer changed on the way");
        } catch (FrameException e) {
            throw new AssertionError("the client refused a genuine answer: " + e.getMessage(), e);
        }
    }

    private static void unauthenticated(byte[] data) throws FrameException {
        var in = new ByteArrayInputStream(data);
        try {
            var session = ControlSession.server(KEY, SERVER_NONCE,
                    ControlFrames.read(in, 1 + ControlSession.AUTH_BYTES));
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
