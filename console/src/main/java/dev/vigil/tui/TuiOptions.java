package dev.vigil.tui;

import dev.vigil.config.ClusterConfig;
import java.time.Clock;
import java.time.Duration;

/**
 * How a session behaves beyond its four required collaborators.
 *
 * @param clock      stamps events (a fixed clock in tests)
 * @param tick       how often the UI looks for keys and pushed statuses; well under the 250 ms an update may take
 * @param staleAfter with no pushed status for this long, the session asks the backend itself, so a dead
 *                   agent shows as [NO AGENT] instead of a frozen screen
 * @param colour     start with colours (C toggles); markers are shown either way
 * @param screens    the top-level screens (see {@link Screens#with})
 * @param config     the cluster file, for resource parameters on the detail screen; null if unknown
 * @param events     how many events the session keeps
 */
public record TuiOptions(Clock clock, Duration tick, Duration staleAfter, boolean colour, Screens screens,
                         ClusterConfig config, int events) {
    public static TuiOptions defaults() {
        return new TuiOptions(Clock.systemUTC(), Duration.ofMillis(20), Duration.ofSeconds(2), true,
                Screens.standard(), null, 1000);
    }

    public TuiOptions withConfig(ClusterConfig c) {
        return new TuiOptions(clock, tick, staleAfter, colour, screens, c, events);
    }

    public TuiOptions withColour(boolean on) {
        return new TuiOptions(clock, tick, staleAfter, on, screens, config, events);
    }

    public TuiOptions withClock(Clock c) {
        return new TuiOptions(c, tick, staleAfter, colour, screens, config, events);
    }

    public TuiOptions withScreens(Screens s) {
        return new TuiOptions(clock, tick, staleAfter, colour, s, config, events);
    }
}
