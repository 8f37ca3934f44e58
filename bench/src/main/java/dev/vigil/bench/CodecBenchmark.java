package dev.vigil.bench;

import dev.vigil.config.ClusterKey;
import dev.vigil.heartbeat.DecodeResult;
import dev.vigil.heartbeat.HeartbeatPacket;
import dev.vigil.heartbeat.MessageType;
import dev.vigil.heartbeat.PacketCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The heartbeat codec on one thread: what one receive thread can authenticate and decode, and
 * what the sender spends per beat. The packet is a realistic heartbeat of a 3-node cluster (the
 * same shape as the agent tests' {@code Packets.heartbeat}: cluster "web", view ha1..ha3, no
 * extensions, 32-byte key), 99 bytes on the wire.
 *
 * <ul>
 *   <li>{@code decode}: size/structure checks, cluster check, HMAC-SHA256 verify, build the record;
 *   <li>{@code encode}: build the bytes and the HMAC, as the sender does once per beat per link;
 *   <li>{@code hmacOnly}: the bare HMAC-SHA256 of the same body, the floor under both.
 * </ul>
 *
 * Run: {@code java -jar bench/target/vigil-bench.jar -f 1 -wi 3 -i 5 -t 1 Codec}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class CodecBenchmark {
    static final ClusterKey KEY =
            new ClusterKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    private PacketCodec codec;
    private HeartbeatPacket packet;
    private byte[] wire;
    private Mac mac;
    private final byte[] tag = new byte[32];

    @Setup
    public void setUp() throws Exception {
        codec = new PacketCodec(KEY, "web");
        packet = new HeartbeatPacket(MessageType.HEARTBEAT, "web", "ha2", 1_700_000_000_123L, 123_456L, 0, 3, 7,
                List.of("ha1", "ha2", "ha3"), List.of());
        wire = codec.encode(packet);
        if (!(codec.decode(wire) instanceof DecodeResult.Accepted)) {
            throw new IllegalStateException("fixture does not decode: " + codec.decode(wire));
        }
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.bytes(), "HmacSHA256"));
    }

    @Benchmark
    public DecodeResult decode() {
        return codec.decode(wire);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(packet);
    }

    @Benchmark
    public byte[] hmacOnly() throws Exception {
        mac.update(wire, 0, wire.length - 32);
        mac.doFinal(tag, 0);
        return tag;
    }
}
