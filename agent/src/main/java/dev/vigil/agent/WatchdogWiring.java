package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.heartbeat.HeartbeatSender;
import dev.vigil.watchdog.WatchdogDevice;
import dev.vigil.watchdog.WatchdogPetter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Connects the watchdog (docs/fencing.md, "Watchdog self-fencing") to what it watches: quorum and
 * the coordination loop's steps from the coordination, beats from the sender.
 */
final class WatchdogWiring {
    /** The coordination loop ticks every second; three missed ticks is a hang, not a slow step. */
    private static final Duration COORDINATION_LIMIT = Duration.ofSeconds(3);
    static final Path SYSFS = Path.of("/sys/class/watchdog");

    private WatchdogWiring() {}

    /**
     * Checks the device before anything starts (a wrong timeout stops the agent here, with the
     * reason); empty without {@code watchdog:} or without resources to coordinate.
     */
    static Optional<WatchdogPetter> create(ClusterConfig config, String self, Optional<ResourceManagement> resources,
                                           Supplier<HeartbeatSender> sender, Clock monotonic) throws IOException {
        var spec = config.resources().watchdog();
        if (spec.isEmpty() || resources.isEmpty()) {
            return Optional.empty();
        }
        var device = WatchdogDevice.check(Path.of(spec.get().deviceFor(self)), spec.get().timeout(), SYSFS);
        var coordination = resources.get().coordination();
        return Optional.of(new WatchdogPetter(device, spec.get().timeout(), config.timing().deadtime(),
                COORDINATION_LIMIT, () -> {
                    var s = sender.get();
                    return new WatchdogPetter.Signals(coordination.quorate(), s == null ? 0 : s.sent(),
                            coordination.steps());
                }, monotonic));
    }

    static dev.vigil.control.StatusReport.WatchdogReport report(WatchdogPetter petter) {
        var s = petter.snapshot();
        return new dev.vigil.control.StatusReport.WatchdogReport(s.device(), s.standIn(), s.timeout().toMillis(),
                s.state(), s.sinceLastPet().map(Duration::toMillis).orElse(null), s.reason(),
                s.timeout().multipliedBy(2).toMillis());
    }
}
