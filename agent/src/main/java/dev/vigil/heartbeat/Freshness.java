package dev.vigil.heartbeat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a large cluster's beats relay: when this node last had evidence that each peer is alive.
 * There a beat reaches only a few peers ({@code dev.vigil.transport.Fanout}); the others learn
 * that its sender lives from the freshness the receivers relay on their own beats, and a dead
 * node's last evidence ages the same way everywhere, so the survivors agree on its death within a
 * few hops of each other. Ages, not timestamps, go on the wire: no clocks need to agree.
 *
 * <pre>
 *  1     entry count
 *  per entry: 1+n peer name (UTF-8), 2 age in milliseconds (capped at 65535)
 * </pre>
 *
 * Freshest first, and at most {@link #MAX_BYTES} of them, so the beat always fits its datagram.
 * Thread-safe: receive threads record, the heartbeat sender reads, without a shared lock.
 */
public final class Freshness {
    /** Room left on a 1400-byte beat for the header, a 64-member view of short names and other cargo. */
    static final int MAX_BYTES = 700;

    /** A peer, and when the relaying node last heard it (its age subtracted from the receiver's now). */
    public record Relayed(String peer, Instant heardAt) {}

    private final Map<String, Instant> heard = new ConcurrentHashMap<>();
    private final Duration maxAge;

    /** @param maxAge older evidence is not relayed: deadtime, after which it keeps nobody alive */
    public Freshness(Duration maxAge) {
        this.maxAge = maxAge;
    }

    /** Evidence that {@code peer} was alive at {@code at}: its own beat, or relayed. Keeps the newest. */
    public void heard(String peer, Instant at) {
        heard.merge(peer, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** The extension for a beat sent at {@code now}. */
    public Extension extension(Instant now) {
        var fresh = new ArrayList<Map.Entry<String, Instant>>();
        for (var e : heard.entrySet()) {
            if (Duration.between(e.getValue(), now).compareTo(maxAge) <= 0) fresh.add(e);
        }
        fresh.sort(Map.Entry.<String, Instant>comparingByValue(Comparator.reverseOrder()));
        var buf = ByteBuffer.allocate(MAX_BYTES);
        buf.put((byte) 0);
        int count = 0;
        for (var e : fresh) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (count == 255 || buf.remaining() < 1 + name.length + 2) break;
            long age = Math.max(0, Duration.between(e.getValue(), now).toMillis());
            buf.put((byte) name.length).put(name).putShort((short) Math.min(age, 0xFFFF));
            count++;
        }
        buf.put(0, (byte) count);
        return new Extension(ExtensionTypes.FRESHNESS, java.util.Arrays.copyOf(buf.array(), buf.position()));
    }

    /** What a peer's {@link ExtensionTypes#FRESHNESS} says, as of {@code now}; malformed ones say nothing. */
    public static List<Relayed> read(Extension e, Instant now) {
        if (e.type() != ExtensionTypes.FRESHNESS || e.value().length < 1) return List.of();
        var buf = ByteBuffer.wrap(e.value());
        int count = buf.get() & 0xFF;
        var out = new ArrayList<Relayed>(count);
        for (int i = 0; i < count; i++) {
            if (!buf.hasRemaining()) return List.of();
            int len = buf.get() & 0xFF;
            if (len == 0 || buf.remaining() < len + 2) return List.of();
            String name = new String(e.value(), buf.position(), len, StandardCharsets.UTF_8);
            buf.position(buf.position() + len);
            int age = buf.getShort() & 0xFFFF;
            out.add(new Relayed(name, now.minusMillis(age)));
        }
        return buf.hasRemaining() ? List.of() : out;
    }
}
