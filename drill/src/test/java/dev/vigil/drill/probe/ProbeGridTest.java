package dev.vigil.drill.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Attempts on the grid whatever earlier ones do, with a bounded number of threads. */
class ProbeGridTest {
    private static final ProbeSpec SPEC = new ProbeSpec("page", ProbeKind.HTTP, "http://unused/", Duration.ofMillis(20),
            Duration.ofMillis(100), "local");

    @Test
    void anAttemptThatHangsDoesNotBlindTheProbe() throws Exception {
        var calls = new AtomicInteger();
        var later = new CountDownLatch(1);
        var released = new CountDownLatch(1);
        Check check = timeout -> {
            int n = calls.incrementAndGet();
            if (n == 3) {
                // Hangs until a later attempt has ended: a probe that waited for each attempt never gets there.
                if (later.await(10, TimeUnit.SECONDS)) released.countDown();
                throw new java.io.IOException("hung");
            }
            if (n > 3) later.countDown();
            return "200";
        };
        var samples = new CopyOnWriteArrayList<ProbeSample>();
        var grid = new ProbeGrid(SPEC, check, DrillClock.system(), 1_000, samples::add);
        grid.start();
        try {
            assertThat(released.await(10, TimeUnit.SECONDS)).as("an attempt ended while the third hung").isTrue();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            // The hung attempt's sample and the releasing attempt's, which is recorded after its check returned.
            while ((samples.stream().noneMatch(s -> !s.ok()) || samples.stream().filter(ProbeSample::ok).count() < 3)
                    && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        } finally {
            grid.close();
        }
        var hung = samples.stream().filter(s -> !s.ok()).findFirst().orElseThrow();
        // Started while the third hung (its answer may be recorded a moment after the third wakes).
        assertThat(samples).as("answers to attempts started while the third attempt hung")
                .anyMatch(s -> s.ok() && s.startNanos() > hung.startNanos() && s.startNanos() < hung.endNanos());
    }

    @Test
    void attemptsThatAllHangUseAtMostTimeoutOverIntervalPlusTwoThreads() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        var stop = new CountDownLatch(1);
        Check check = timeout -> {
            threads.add(Thread.currentThread().getName());
            stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS); // hangs for its whole timeout
            throw new java.io.IOException("timed out");
        };
        var samples = new CopyOnWriteArrayList<ProbeSample>();
        var grid = new ProbeGrid(SPEC, check, DrillClock.system(), 1_000, samples::add);
        grid.start();
        try {
            // Until several timeouts have passed: by then every worker the bound allows has been asked for.
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (samples.size() < 3 * (int) (SPEC.timeout().toMillis() / SPEC.interval().toMillis()) && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        } finally {
            stop.countDown();
            grid.close();
        }
        assertThat(threads).as("worker threads").hasSizeBetween(2, (int) (SPEC.timeout().toMillis() / SPEC.interval().toMillis()) + 2)
                .allMatch(n -> n.startsWith("drill-probe-page-"));
        assertThat(samples).allMatch(s -> !s.ok() && s.detail().equals("timed out"));
        assertThat(List.copyOf(samples)).isNotEmpty();
    }
}
