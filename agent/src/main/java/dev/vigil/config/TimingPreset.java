package dev.vigil.config;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;

import java.util.Locale;
import java.util.Optional;

/**
 * Named heartbeat timings: the one place where Vigil's timing defaults live.
 *
 * <p>Each preset keeps deadtime at 4–5 keepalives, so a peer is only declared dead after
 * four or more heartbeats in a row are lost: with 30 % independent loss that happens once in
 * 0.3^4 ≈ 1 % of deadtime windows for a single link… which is why warntime sits at 3 keepalives
 * and deadtime at 5 in the presets meant for lossy paths. The measured figures are in
 * {@code bench/README.md} and come from {@code bench/detection.sh} and {@code bench/no-false-death.sh}.
 */
public enum TimingPreset {
    /**
     * Switched LAN, the default. 200 ms beats are ~0.2 % of one core per peer; dead after 1 s
     * keeps failover within the 1.5 s cold-standby budget of the failover issue while
     * tolerating 4 consecutive lost beats. Measured kill -9 to "is dead": p50 941 ms, max 1038 ms.
     */
    LAN(new Timing(ofMillis(200), ofMillis(600), ofMillis(1000), ofSeconds(10))),
    /**
     * Hot standby on a quiet, dedicated link and an unloaded host: dead after 250 ms (5 beats of
     * 50 ms; measured kill -9 to "is dead": p50 233 ms, max 261 ms). Not proof against CPU
     * starvation: with both cores of a 2-vCPU VM saturated by stress-ng and 32 MB/s of garbage in
     * each agent, bench/no-false-death.sh saw 1 false death in 10 minutes (a sender ~160 ms late,
     * GC pauses up to 44 ms), and 9 when other jobs loaded the VM further. Give the agent CPU
     * priority over batch work, or use lan.
     */
    FAST(new Timing(ofMillis(50), ofMillis(150), ofMillis(250), ofSeconds(5))),
    /**
     * Routed or long-haul links, VMs on busy hosts: corosync's 3 s token class. One beat per
     * second, dead after 5 s, like keepalived's ~3.6 s takeover plus margin for WAN jitter.
     */
    WAN(new Timing(ofSeconds(1), ofSeconds(3), ofSeconds(5), ofSeconds(30))),
    /**
     * RS-232 at 19200 baud moves ~1.9 kB/s; a heartbeat frame with a 3-node view is ~120 bytes,
     * ~60 ms on the wire. 500 ms beats leave the line 90 % idle; dead after 3 s (6 beats) so a
     * burst of line noise that corrupts a few frames does not kill the peer.
     */
    SERIAL(new Timing(ofMillis(500), ofMillis(1500), ofSeconds(3), ofSeconds(20)));

    private final Timing timing;

    TimingPreset(Timing timing) {
        this.timing = timing;
    }

    public Timing timing() {
        return timing;
    }

    /** The name used in the cluster file: lan, fast, wan, serial. */
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
