package dev.vigil.detection;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FailureDetector#nextDeadline()} over random histories: the agent's real-time detector
 * thread sleeps until that instant, so a deadline that is not after the last tick makes it spin
 * at 100 % of a core (it did: a peer dead within its joining period). Checked after every step:
 * the deadline is after now, nothing changes a nanosecond before it, and something changes at it.
 */
class FailureDetectorDeadlineTest {
    private static final List<String> PEERS = List.of("ha2", "ha3");
    private static final int HISTORIES = 300;
    private static final int STEPS = 200;

    @ParameterizedTest
    @EnumSource(value = TimingPreset.class, names = {"FAST", "LAN", "INSTANT"})
    void everyDeadlineIsAfterTheLastTickAndIsWhereATickChangesSomething(TimingPreset preset) {
        var timing = preset.timing();
        for (long seed = 1; seed <= HISTORIES; seed++) {
            runHistory(timing, seed);
        }
    }

    private static void runHistory(Timing timing, long seed) {
        var random = new Random(seed);
        var links = List.of(new FailureDetector.LinkRef(0, "ucast:694"), new FailureDetector.LinkRef(1, "serial"));
        var now = Instant.parse("2026-01-01T00:00:00Z");
        var detector = new FailureDetector(timing, Map.of("ha2", links, "ha3", links), now);
        detector.beginWatching(now);
        long[] incarnation = {7, 7};
        var history = new ArrayList<String>();
        for (int step = 0; step < STEPS; step++) {
            int peer = random.nextInt(PEERS.size());
            var name = PEERS.get(peer);
            int what = random.nextInt(100);
            if (what < 45) {
                // Time passes: often right up to the next deadline, otherwise by up to 2 deadtimes.
                var next = detector.nextDeadline();
                now = next.isPresent() && random.nextBoolean() ? next.get()
                        : now.plusNanos(1 + (long) (random.nextDouble() * timing.deadtime().multipliedBy(2).toNanos()));
                history.add("tick " + now);
                detector.tick(now);
                now = assertDeadlineIsExact(detector, now, seed, history);
            } else if (what < 85) {
                if (random.nextInt(20) == 0) incarnation[peer]++; // a restart
                history.add("beat " + name + " " + incarnation[peer] + " at " + now);
                detector.onHeartbeat(name, random.nextInt(links.size()), incarnation[peer], now);
            } else if (what < 95) {
                var heardAt = now.minus(ofMillis(random.nextInt(500)));
                history.add("relayed " + name + " heard at " + heardAt);
                detector.onRelayed(name, random.nextInt(links.size()), heardAt, now, new ArrayList<>());
            } else {
                history.add("leave " + name);
                detector.onLeave(name, incarnation[peer], now);
            }
        }
    }

    /** @return the new now: the deadline, where the check ticked (time only moves forward) */
    private static Instant assertDeadlineIsExact(FailureDetector detector, Instant now, long seed, List<String> history) {
        var next = detector.nextDeadline();
        if (next.isEmpty()) return now;
        var why = "seed " + seed + " after " + history.subList(Math.max(0, history.size() - 12), history.size());
        assertThat(next.get()).as("deadline after the last tick; %s", why).isAfter(now);
        assertThat(detector.tick(next.get().minus(Duration.ofNanos(1)))).as("nothing before the deadline; %s", why).isEmpty();
        assertThat(detector.tick(next.get())).as("something at the deadline %s; %s", next.get(), why).isNotEmpty();
        history.add("tick " + next.get());
        return next.get();
    }
}
