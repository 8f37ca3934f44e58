package dev.vigil.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.model.FenceDelay;
import dev.vigil.model.FenceDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device delays (delay_base, delay_max) and the priority delay, with the random source and the sleeping faked. */
class FenceDelayTest {
    @TempDir
    Path dir;

    /** A random source that always draws {@code draw} (bounded by what is asked), and records the bounds. */
    private static final class FixedRandom implements RandomGenerator {
        final long draw;
        final List<Long> bounds = new ArrayList<>();

        FixedRandom(long draw) {
            this.draw = draw;
        }

        @Override
        public long nextLong() {
            return draw;
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            return Math.min(draw, bound - 1);
        }
    }

    private final List<String> events = new ArrayList<>();

    private FenceRunner runner(RandomGenerator random) throws IOException {
        Path agent = dir.resolve("fence_ok");
        // Records each action it is asked for, so the order of waits and actions can be checked.
        Files.writeString(agent, "#!/bin/sh\nsed -n 's/^action=//p' >> " + dir.resolve("actions") + "\nexit 0\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        return new FenceRunner(List.of(dir), Duration.ofMillis(200), Clock.systemUTC(), random,
                d -> events.add("wait " + d.toMillis()));
    }

    private List<String> actions() throws IOException {
        return Files.readAllLines(dir.resolve("actions"));
    }

    private static FenceDevice device(String id, FenceDelay delay) {
        return new FenceDevice(id, "fence_ok", Map.of()).withDelay(delay);
    }

    @Test
    void withoutMaxTheDelayIsTheBase() {
        var delay = new FenceDelay(Duration.ofSeconds(2), Map.of(), Duration.ZERO);
        assertThat(delay.pick("ha1", new FixedRandom(999_999))).isEqualTo(Duration.ofSeconds(2));
        assertThat(delay.longestFor("ha1")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void withMaxTheBaseGetsARandomPartThatKeepsTheSumBelowTheMax() {
        // Pacemaker: base + rand() % (max - base), in milliseconds.
        var delay = new FenceDelay(Duration.ofSeconds(1), Map.of(), Duration.ofSeconds(4));
        var random = new FixedRandom(999_999);
        assertThat(delay.pick("ha1", random)).isEqualTo(Duration.ofMillis(3999));
        assertThat(random.bounds).containsExactly(3000L);
        assertThat(delay.pick("ha1", new FixedRandom(0))).isEqualTo(Duration.ofSeconds(1));
        assertThat(delay.longestFor("ha1")).isEqualTo(Duration.ofMillis(3999));
    }

    @Test
    void aPerTargetBaseAppliesToItsNodeAndOthersGetTheDefault() {
        var delay = new FenceDelay(Duration.ZERO, Map.of("ha1", Duration.ofSeconds(5)), Duration.ZERO);
        assertThat(delay.pick("ha1", new FixedRandom(0))).isEqualTo(Duration.ofSeconds(5));
        assertThat(delay.pick("ha2", new FixedRandom(0))).isZero();
        assertThat(delay.describe()).isEqualTo("ha1 5s, others 0s");
        assertThat(new FenceDelay(Duration.ofMillis(1500), Map.of(), Duration.ofSeconds(3)).describe())
                .isEqualTo("1500ms + random, total < 3s");
    }

    @Test
    void aMaxBelowABaseOrANegativeDelayIsRefused() {
        assertThatThrownBy(() -> new FenceDelay(Duration.ofSeconds(5), Map.of(), Duration.ofSeconds(2)))
                .hasMessageContaining("below delay_base");
        assertThatThrownBy(() -> new FenceDelay(Duration.ZERO, Map.of("ha1", Duration.ofSeconds(5)), Duration.ofSeconds(2)))
                .hasMessageContaining("below delay_base");
        assertThatThrownBy(() -> new FenceDelay(Duration.ofSeconds(-1), Map.of(), Duration.ZERO))
                .hasMessageContaining("negative");
    }

    @Test
    void thePriorityDelayComesFirstThenEachDevicesOwnBeforeItsAction() throws IOException {
        var random = new FixedRandom(250);
        var first = device("slow", new FenceDelay(Duration.ofSeconds(1), Map.of(), Duration.ofSeconds(2)))
                .withHostMap(Map.of("ha1", "1"));
        var other = device("never", new FenceDelay(Duration.ofSeconds(9), Map.of(), Duration.ZERO))
                .withHostMap(Map.of("ha2", "2"));
        try (var runner = runner(random)) {
            FenceReport r = runner.fence("ha1", FenceAction.REBOOT, List.of(other, first), false, Duration.ofSeconds(5));
            assertThat(r.fenced()).isTrue();
        }
        // The device that cannot fence ha1 does not make it wait.
        assertThat(events).containsExactly("wait 5000", "wait 1250");
        assertThat(actions()).containsExactly("reboot");
    }

    @Test
    void anOnNeverWaits() throws IOException {
        try (var runner = runner(new FixedRandom(0))) {
            runner.fence("ha1", FenceAction.ON, List.of(device("d", new FenceDelay(Duration.ofSeconds(3), Map.of(),
                    Duration.ZERO))), false, Duration.ofSeconds(5));
        }
        assertThat(events).isEmpty();
        assertThat(actions()).containsExactly("on");
    }

    @Test
    void interruptedWhileWaitingItFencesNobody() throws IOException {
        Path agent = dir.resolve("fence_ok");
        Files.writeString(agent, "#!/bin/sh\ncat > /dev/null\ntouch " + dir.resolve("ran") + "\n");
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        try (var runner = new FenceRunner(List.of(dir), Duration.ofMillis(200), Clock.systemUTC(), new FixedRandom(0),
                d -> {
                    throw new InterruptedException();
                })) {
            FenceReport r = runner.fence("ha1", FenceAction.OFF, List.of(device("d", FenceDelay.NONE)), false,
                    Duration.ofSeconds(5));
            assertThat(r.fenced()).isFalse();
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        }
        assertThat(dir.resolve("ran")).doesNotExist();
    }
}
