package dev.vigil.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {
    private final FakeClock clock = new FakeClock();
    private final LogRateLimiter limiter = new LogRateLimiter(clock, Duration.ofSeconds(10));

    @Test
    void oneLinePerReasonPerIntervalWithTheCountOfTheOthers() {
        assertThat(limiter.admit("a")).isZero();
        for (int i = 0; i < 999; i++) {
            assertThat(limiter.admit("a")).isEqualTo(LogRateLimiter.SUPPRESS);
        }
        assertThat(limiter.admit("b")).as("another reason has its own window").isZero();
        clock.advance(Duration.ofMillis(9_999));
        assertThat(limiter.admit("a")).isEqualTo(LogRateLimiter.SUPPRESS);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.admit("a")).as("suppressed since the last line").isEqualTo(1000);
        assertThat(limiter.admit("a")).isEqualTo(LogRateLimiter.SUPPRESS);
        clock.advance(Duration.ofSeconds(60));
        assertThat(limiter.admit("a")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(60));
        assertThat(limiter.admit("a")).as("nothing suppressed this time").isZero();
    }

    @Test
    void theNoteSaysHowManyWereLeftOut() {
        assertThat(LogRateLimiter.suppressed(0)).isEmpty();
        assertThat(LogRateLimiter.suppressed(17)).isEqualTo(" [17 more like this since the last report]");
    }

    @Test
    void manyThreadsFloodingOneReasonGetOneLineAndLoseNoCount() throws InterruptedException {
        var logged = new AtomicLong();
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 8; t++) {
            var thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (limiter.admit("flood") >= 0) logged.incrementAndGet();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (var t : threads) t.join();
        assertThat(logged.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.admit("flood")).isEqualTo(80_000 - 1);
    }
}
