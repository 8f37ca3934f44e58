package dev.vigil.coordination;

import dev.vigil.heartbeat.Extension;
import dev.vigil.heartbeat.ExtensionTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Reports and directives ride on heartbeats as deflated JSON. JSON keeps them readable in a
 * capture and tolerant of added fields across versions; deflate keeps a dozen resources well
 * inside one datagram. The packet's HMAC already authenticates them.
 */
public final class GossipCodec {
    /** Inflated payloads larger than this are refused: a forged size must not exhaust memory. */
    static final int MAX_INFLATED_BYTES = 256 * 1024;

    public Extension encode(NodeReport report) {
        return new Extension(ExtensionTypes.NODE_REPORT, deflate(json(GossipJson::write, report)));
    }

    public Extension encode(Directive directive) {
        return new Extension(ExtensionTypes.DIRECTIVE, deflate(json(GossipJson::write, directive)));
    }

    public Optional<NodeReport> report(Extension e) {
        return e.type() == ExtensionTypes.NODE_REPORT ? Optional.of(inflate(e.value(), GossipJson::readReport)) : Optional.empty();
    }

    public Optional<Directive> directive(Extension e) {
        return e.type() == ExtensionTypes.DIRECTIVE ? Optional.of(inflate(e.value(), GossipJson::readDirective)) : Optional.empty();
    }

    /**
     * One deflater, reset between uses: zlib's compression state is ~300 KB of native memory, and
     * allocating it afresh for every report left glibc's heap holding several megabytes of it.
     */
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);

    private interface Encoder<T> {
        byte[] encode(T value) throws IOException;
    }

    private interface Decoder<T> {
        T decode(byte[] json) throws IOException;
    }

    private static <T> byte[] json(Encoder<T> encoder, T value) {
        try {
            return encoder.encode(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized byte[] deflate(byte[] json) {
        deflater.reset();
        deflater.setInput(json);
        deflater.finish();
        var out = new ByteArrayOutputStream(json.length / 2 + 16);
        byte[] buf = new byte[1024];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        return out.toByteArray();
    }

    private static <T> T inflate(byte[] data, Decoder<T> decoder) {
        var inflater = new Inflater();
        try {
            inflater.setInput(data);
            var out = new ByteArrayOutputStream(data.length * 4);
            byte[] buf = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("truncated gossip payload");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw new IllegalArgumentException("gossip payload inflates beyond " + MAX_INFLATED_BYTES + " bytes");
                }
            }
            T value = decoder.decode(out.toByteArray());
            if (value == null) {
                throw new IllegalArgumentException("malformed gossip payload: null");
            }
            return value;
        } catch (DataFormatException | IOException e) {
            throw new IllegalArgumentException("malformed gossip payload: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
