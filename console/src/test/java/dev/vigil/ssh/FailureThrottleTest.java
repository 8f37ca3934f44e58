package dev.vigil.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailureThrottleTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-21T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final FailureThrottle throttle = new FailureThrottle(clock,
            new FailureThrottle.Policy(2, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(10), 3));
    private final InetAddress a = address(1);
    private final InetAddress b = address(2);

    static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDelayGrowsWithEachFailurePastTheFreeOnesUpToTheCap() {
        assertThat(throttle.failed(a)).isZero();
        assertThat(throttle.failed(a)).isZero();
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(4));
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.delay(1000)).isEqualTo(Duration.ofSeconds(8));

        assertThat(throttle.waitFor(a)).isEqualTo(Duration.ofSeconds(8));
        clock.advance(Duration.ofSeconds(3));
        assertThat(throttle.waitFor(a)).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.waitFor(b)).isZero(); // per address
    }

    @Test
    void aSuccessOrAQuietSpellForgetsTheFailures() {
        for (int i = 0; i < 4; i++) throttle.failed(a);
        throttle.succeeded(a);
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.failed(a)).isZero();

        for (int i = 0; i < 4; i++) throttle.failed(b);
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.waitFor(b)).isZero();
        assertThat(throttle.failed(b)).isZero(); // counted from one again
    }

    @Test
    void memoryIsBoundedByDroppingTheLeastRecentlySeen() {
        for (int i = 1; i <= 100; i++) {
            for (int j = 0; j < 3; j++) throttle.failed(address(i));
        }
        assertThat(throttle.tracked()).isEqualTo(3);
        assertThat(throttle.waitFor(address(100))).isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.waitFor(address(1))).isZero();
    }

    @Test
    void keysAreAccountedApartFromEachOtherAndFromTheirAddress() {
        var mallory = new FailureThrottle.KeyId("SHA256:mallory");
        var otto = new FailureThrottle.KeyId("SHA256:otto");
        for (int i = 0; i < 50; i++) throttle.failed(mallory);
        assertThat(throttle.waitFor(mallory)).isEqualTo(Duration.ofSeconds(8));
        assertThat(throttle.failures(mallory)).isEqualTo(50);
        assertThat(throttle.waitFor(otto)).isZero();
        assertThat(throttle.waitFor(a)).as("the address the key came from").isZero();
    }

    @Test
    void aCappedFailureWaitsNoLongerThanTheCap() {
        for (int i = 0; i < 10; i++) throttle.failed(a, Duration.ofSeconds(3));
        assertThat(throttle.waitFor(a)).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofSeconds(3));
        assertThat(throttle.waitFor(a)).isZero();
    }
}
