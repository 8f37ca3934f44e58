package dev.vigil.config;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.util.Locale;
import java.util.Optional;

/**
 * Named heartbeat timings: the one place where Vigil's timing defaults live.
 *
 * <p>The rule behind them: a peer is declared dead after {@code k = deadtime / keepalive}
 * heartbeats in a row are lost. With independent loss {@code p} per datagram that happens about
 * {@code p^k × beats per second} times a second per direction, so {@code k} — not deadtime alone —
 * decides how much loss a preset survives. Measured here (docs/benchmarks.md): with one lossy
 * node at 30 % loss and k = 5 (200 ms / 1 s) three nodes saw about 2–4 false deaths a minute;
 * k = 12 makes it about one in ten hours. Detection time is bounded by deadtime + one detector
 * tick, and {@code bench/detection.sh} checks it stays within deadtime + keepalive.
 */
public enum TimingPreset {
    /**
     * Switched LAN, the default. Dead after 1 s so that a cold failover (detection plus starting
     * an IP, a filesystem and Apache) fits in 1.5 s; 80 ms beats give k = 12.5, which rides out
     * 30 % random loss on a single link (0.3^12 ≈ 5e-7 per beat). Measured: detection after
     * kill -9 p50 962 ms, p99 997 ms; one agent with 3 peers uses 0.89 % of a core.
     */
    LAN(new Timing(ofMillis(80), ofMillis(500), ofMillis(1000), ofSeconds(10))),
    /**
     * Hot standby on a quiet, dedicated link: dead after 250 ms (k = 5). Not for lossy links —
     * 30 % loss would kill peers several times a minute. It relies on the heartbeat threads'
     * real-time priority: with it, two 10-minute runs with both cores saturated by stress-ng and
     * 32 MB/s of garbage in each agent saw no false death and no late heartbeat; without it, a
     * starved sender (160 ms late) caused one (bench/no-false-death.sh). Detection after kill -9:
     * p50 222 ms, p99 243 ms.
     */
    FAST(new Timing(ofMillis(50), ofMillis(150), ofMillis(250), ofSeconds(5))),
    /**
     * The most aggressive: hot standby on a dedicated, lossless link between two nodes (a
     * back-to-back cable or a quiet VLAN), keepalived's 10 ms advert class. Dead after 20 ms
     * (k = 5), so a VIP moves in about 50 ms (bench/failover.sh hot). Only with real-time
     * priority: with it, 10 minutes with both cores saturated by stress-ng saw no late heartbeat
     * (bench/hot-soak.sh); a full SerialGC collection of the agent's heap takes ~12 ms, inside
     * the 20 ms, and the agent's old generation does not grow in steady state. It costs CPU: one
     * agent with 3 peers used 5.1 % of a core (bench/footprint.sh with PRESET=instant). Measure
     * it with bench/hot-soak.sh on the hardware it will run on before production.
     */
    INSTANT(new Timing(ofMillis(4), ofMillis(10), ofMillis(20), ofSeconds(5))),
    /**
     * Routed or long-haul links and VMs on busy hosts: corosync's 3 s token class. Dead after
     * 6 s with k = 12, so bursts of loss and seconds-long hypervisor stalls are survived.
     */
    WAN(new Timing(ofMillis(500), ofSeconds(3), ofSeconds(6), ofSeconds(30))),
    /**
     * RS-232 at 19200 baud moves ~1.9 kB/s and a heartbeat frame with a 3-node view is ~110
     * bytes, ~60 ms on the wire: 500 ms beats leave the line ~90 % idle. Serial lines lose little
     * (line noise corrupts a frame now and then), so k = 6: dead after 3 s.
     */
    SERIAL(new Timing(ofMillis(500), ofMillis(1500), ofSeconds(3), ofSeconds(20)));

    private final Timing timing;

    TimingPreset(Timing timing) {
        this.timing = timing;
    }

    public Timing timing() {
        return timing;
    }

    /** The name used in the cluster file: lan, fast, instant, wan, serial. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TimingPreset> byConfigName(String name) {
        for (var p : values()) {
            if (p.configName().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static String configNames() {
        var sb = new StringBuilder();
        for (var p : values()) {
            if (sb.length() > 0) sb.append(" | ");
            sb.append(p.configName());
        }
        return sb.toString();
    }
}
