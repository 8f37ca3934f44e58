package dev.vigil.heartbeat;

import dev.vigil.transport.serial.SerialFrameCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes the seed corpora of the fuzz tests, so they can be regenerated when a wire format changes:
 * from agent/, after {@code ../mvnw -q test-compile}, run
 * {@code java -cp target/classes:target/test-classes dev.vigil.heartbeat.FuzzSeeds src/test/resources}.
 * Deterministic: the same code writes the same files.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        write(resources.resolve("dev/vigil/heartbeat/PacketCodecFuzzTestInputs/decode"), packetSeeds());
        write(resources.resolve("dev/vigil/transport/serial/SerialFrameDecoderFuzzTestInputs/feed"), serialSeeds());
    }

    private static void write(Path dir, Map<String, byte[]> seeds) throws IOException {
        Files.createDirectories(dir);
        for (var e : seeds.entrySet()) {
            Files.write(dir.resolve("seed-" + e.getKey()), e.getValue());
        }
    }

    private static HeartbeatPacket packet(MessageType type, String sender, int link, List<String> view,
            List<Extension> extensions) {
        return new HeartbeatPacket(type, "web", sender, 1_700_000_000_123L, 42, link, 3, 7, view, extensions);
    }

    static Map<String, byte[]> packetSeeds() {
        var codec = new PacketCodec(Packets.KEY, "web");
        var seeds = new LinkedHashMap<String, byte[]>();
        seeds.put("heartbeat", codec.encode(Packets.heartbeat("ha2", 5, 9, 0)));
        seeds.put("leave-empty-view", codec.encode(packet(MessageType.LEAVE, "ha1", 1, List.of(), List.of())));
        seeds.put("heartbeat-one-member", codec.encode(packet(MessageType.HEARTBEAT, "ha1", 0, List.of("ha1"), List.of())));
        var big = new ArrayList<String>();
        for (int i = 0; i < PacketCodec.MAX_VIEW_MEMBERS; i++) {
            big.add("n" + i);
        }
        seeds.put("heartbeat-64-members", codec.encode(packet(MessageType.HEARTBEAT, "n0", 2, big, List.of())));
        String longName = "x".repeat(PacketCodec.MAX_NAME_BYTES);
        seeds.put("longest-names", codec.encode(packet(MessageType.HEARTBEAT, longName, 255,
                List.of(longName, "ha1"), List.of())));
        seeds.put("non-ascii-names", codec.encode(packet(MessageType.HEARTBEAT, "nœud-1", 0,
                List.of("nœud-1", "節點二", "\uD83D\uDDA5-3"), List.of())));
        seeds.put("leave-non-ascii", codec.encode(packet(MessageType.LEAVE, "節點二", 1, List.of("節點二"), List.of())));
        seeds.put("one-extension", codec.encode(packet(MessageType.HEARTBEAT, "ha2", 0, List.of("ha1", "ha2"),
                List.of(new Extension(ExtensionTypes.EXPERIMENTAL, new byte[] {1, 2, 3})))));
        seeds.put("several-extensions", codec.encode(packet(MessageType.LEAVE, "ha3", 1, List.of("ha3"),
                List.of(new Extension(0, new byte[0]), new Extension(1, "digest".getBytes(StandardCharsets.US_ASCII)),
                        new Extension(0x1234, new byte[] {(byte) 0xFF, 0, (byte) 0x80})))));
        seeds.put("largest-extension", codec.encode(packet(MessageType.HEARTBEAT, "ha1", 0, List.of("ha1"),
                List.of(new Extension(7, filled(1400 - 5 - 4 - 4 - 32 - 1 - 4 - 2 - 4 - 32, 0x5A))))));
        seeds.put("extreme-numbers", codec.encode(new HeartbeatPacket(MessageType.HEARTBEAT, "web", "ha1",
                Long.MIN_VALUE, -1, 0, Long.MAX_VALUE, 0, List.of("ha1"), List.of())));
        seeds.put("other-cluster", new PacketCodec(Packets.KEY, "db").encode(new HeartbeatPacket(
                MessageType.HEARTBEAT, "db", "ha2", 1, 1, 0, 1, 1, List.of(), List.of())));
        seeds.put("other-key", new PacketCodec(Packets.OTHER_KEY, "web").encode(Packets.heartbeat("ha2", 5, 9, 0)));
        seeds.put("truncated", Arrays.copyOf(seeds.get("heartbeat"), 40));
        return seeds;
    }

    static Map<String, byte[]> serialSeeds() {
        var codec = new PacketCodec(Packets.KEY, "web");
        var seeds = new LinkedHashMap<String, byte[]>();
        byte[] beat = SerialFrameCodec.encode(codec.encode(Packets.heartbeat("ha2", 5, 9, 0)));
        byte[] hello = SerialFrameCodec.encode("hello".getBytes(StandardCharsets.US_ASCII));
        byte[] empty = SerialFrameCodec.encode(new byte[0]);
        byte[] max = new byte[SerialFrameCodec.MAX_PAYLOAD];
        new Random(1).nextBytes(max);
        byte[] maxFrame = SerialFrameCodec.encode(max);
        byte[] noise = "U-Boot 2024.01\r\nlogin: ".getBytes(StandardCharsets.US_ASCII);
        byte[] badCrc = hello.clone();
        badCrc[6] ^= 1;
        byte[] sync = {(byte) 0xA7, 0x1E};

        // The first byte of each seed is the chunking plan (see SerialFrameDecoderFuzzTest).
        seeds.put("one-frame", cat(b(1), hello));
        seeds.put("heartbeat-frames-byte-by-byte", cat(b(0), beat, beat));
        seeds.put("heartbeat-frames-chunked", cat(b(7), beat, hello, beat));
        seeds.put("empty-and-max-payload", cat(b(3), empty, maxFrame, empty));
        seeds.put("noise-around-frames", cat(b(11), noise, hello, noise, beat, noise));
        seeds.put("bad-crc-then-good", cat(b(5), badCrc, hello));
        seeds.put("false-marker-reaching-into-frame", cat(b(9), sync, b(0, 5, 'x'), hello));
        seeds.put("frame-hidden-in-oversized-length", cat(b(2), sync, beat));
        seeds.put("cut-frame-then-frame", cat(b(13), Arrays.copyOf(beat, 30), beat));
        seeds.put("lone-sync-bytes", cat(b(17), b(0xA7), hello, b(0xA7, 0xA7, 0x1E), hello, b(0xA7)));
        var dense = new ByteArrayOutputStream();
        dense.write(19);
        for (int i = 0; i < 600; i++) {
            dense.writeBytes(sync);
        }
        dense.writeBytes(hello);
        seeds.put("dense-false-markers", dense.toByteArray());
        seeds.put("pending-partial-frame", cat(b(23), hello, Arrays.copyOf(maxFrame, 700)));
        // Longer than the decoder's two-frame buffer, so reads that wrap and compact it get explored.
        seeds.put("more-than-the-buffer", cat(b(29), maxFrame, noise, maxFrame, beat, maxFrame, hello));
        return seeds;
    }

    private static byte[] b(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] filled(int n, int value) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) value);
        return out;
    }

    private static byte[] cat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
