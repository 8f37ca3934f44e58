package dev.vigil.bench;

import dev.vigil.config.ClusterKey;
import dev.vigil.control.ControlFrames;
import dev.vigil.control.ControlSession;
import dev.vigil.heartbeat.DecodeResult;
import dev.vigil.heartbeat.HeartbeatPacket;
import dev.vigil.heartbeat.MessageType;
import dev.vigil.heartbeat.PacketCodec;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What encryption costs, in CPU time per packet on this thread (no JMH: a plain loop, so it also
 * runs under the agent launcher's JVM flags). For a heartbeat of a 3-node cluster, plain
 * (HMAC-SHA256) and sealed ({@code auth: {encrypt: true}}: the same plus AES-256-GCM), the
 * sender's encode and the receiver's decode; and for the control channel, sealing and opening
 * a status answer of 2 KB (AES-256-GCM since protocol 2).
 *
 * <p>Run: {@code java -cp bench/target/vigil-bench.jar dev.vigil.bench.SealCost [PACKETS]} (default
 * 200000 per row, after as many for warm-up); add the launcher's flags
 * ({@code -XX:+UseSerialGC -Xmx48m -XX:TieredStopAtLevel=1}) to see what an agent pays.
 */
public final class SealCost {
    private static final ClusterKey KEY =
            new ClusterKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    private SealCost() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        var packet = new HeartbeatPacket(MessageType.HEARTBEAT, "web", "ha2", 1_700_000_000_123L, 1, 0, 3, 7,
                List.of("ha1", "ha2", "ha3"), List.of());
        var plain = new PacketCodec(KEY, "web", false);
        var sealed = new PacketCodec(KEY, "web", true);
        byte[] plainWire = plain.encode(packet);
        byte[] sealedWire = sealed.encode(packet);
        for (var wire : List.of(plainWire, sealedWire)) {
            if (!(plain.decode(wire) instanceof DecodeResult.Accepted)) throw new IllegalStateException("fixture");
        }
        System.out.printf("heartbeat: %d bytes plain, %d sealed; %d packets per row%n", plainWire.length,
                sealedWire.length, n);
        row("heartbeat encode, plain", n, () -> plain.encode(packet));
        row("heartbeat encode, sealed", n, () -> sealed.encode(packet));
        row("heartbeat decode, plain", n, () -> plain.decode(plainWire));
        row("heartbeat decode, sealed", n, () -> plain.decode(sealedWire));

        byte[] controlKey = ControlFrames.deriveKey(KEY);
        byte[] serverNonce = new byte[ControlFrames.NONCE_BYTES];
        byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];
        clientNonce[0] = 1;
        var client = ControlSession.client(controlKey, serverNonce, clientNonce);
        var server = ControlSession.server(controlKey, serverNonce,
                new ControlFrames.Frame(ControlFrames.Type.AUTH, client.authBody()));
        byte[] answer = "{\"ok\":true,\"result\":{}}".repeat(85).getBytes(StandardCharsets.US_ASCII);
        int frames = Math.max(1, n / 10);
        // Sealed on one side and opened on the other, in order (each side checks the sequence).
        row("control 2 KB answer, seal + open", frames, () -> client.open(
                new ControlFrames.Frame(ControlFrames.Type.ANSWER, server.seal(answer))));
    }

    @FunctionalInterface
    private interface Work {
        Object run() throws Exception;
    }

    private static void row(String what, int n, Work work) throws Exception {
        var threads = ManagementFactory.getThreadMXBean();
        Object sink = null;
        for (int i = 0; i < n; i++) sink = work.run();
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink = work.run();
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf("%-36s %8.2f µs CPU each%s%n", what, cpu / 1000.0 / n, sink == null ? "?" : "");
    }
}
