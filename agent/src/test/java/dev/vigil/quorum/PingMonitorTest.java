package dev.vigil.quorum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The targets follow a newly applied cluster file, for placement and for fencing's check. */
class PingMonitorTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);
    // An address Java refuses without sending anything (no such interface): never reached.
    private static final String UNREACHABLE = "fe80::1%vigil-no-such-if";
    // Two lost rounds decide; the bound is generous so a loaded machine does not fail it.
    private static final Duration DECIDED = INTERVAL.multipliedBy(200);

    @Test
    void retargetingToUnreachableTargetsLosesPingAndToNoneRegainsIt() {
        var changes = new AtomicInteger();
        try (var ping = new PingMonitor(List.of("127.0.0.1"), INTERVAL, changes::incrementAndGet)) {
            ping.start();
            assertThat(ping.reachableNow(Duration.ofMillis(500))).isTrue();

            ping.retarget(List.of(UNREACHABLE));
            assertThat(ping.targets()).containsExactly(UNREACHABLE);
            await().atMost(DECIDED).until(() -> !ping.getAsBoolean());
            assertThat(changes).hasValue(1);
            assertThat(ping.reachableNow(Duration.ofMillis(100))).isFalse();

            ping.retarget(List.of());
            await().atMost(DECIDED).until(ping::getAsBoolean);
            assertThat(changes).hasValue(2);
            assertThat(ping.reachableNow(Duration.ofMillis(100))).isTrue();
        }
    }

    @Test
    void targetsAddedAfterStartingWithNoneAreProbed() {
        var changes = new AtomicInteger();
        try (var ping = new PingMonitor(List.of(), INTERVAL, changes::incrementAndGet)) {
            ping.start();
            assertThat(ping.getAsBoolean()).isTrue();
            ping.retarget(List.of(UNREACHABLE));
            await().atMost(DECIDED).until(() -> !ping.getAsBoolean());
            assertThat(changes).hasValue(1);
        }
    }
}
