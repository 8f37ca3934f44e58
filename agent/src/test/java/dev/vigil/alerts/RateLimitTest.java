package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void allowsCountPerSlidingWindow() {
        var now = new AtomicLong();
        var limit = new RateLimit(2, Duration.ofSeconds(60), now::get);
        assertThat(limit.tryAcquire()).isTrue();
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isFalse();
        // 60 s after the first send, one place is free again; not two.
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isFalse();
    }
}
