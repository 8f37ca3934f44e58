package dev.vigil.drill.probe;

import dev.vigil.drill.DrillClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code vigil drill probe} for VantageProbesTest, in a JVM of its own, with a clock an hour ahead
 * of the test's: what another machine's monotonic clock looks like (its own boot time).
 */
public final class SkewedVantageMain {
    static final long SKEW_NANOS = Duration.ofHours(1).toNanos();

    public static void main(String[] args) throws Exception {
        var system = DrillClock.system();
        DrillClock skewed = new DrillClock() {
            @Override
            public long nanos() {
                return system.nanos() + SKEW_NANOS;
            }

            @Override
            public long epochMillis() {
                return system.epochMillis();
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                system.sleep(d);
            }
        };
        var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.exit(ProbeStream.serve(in, System.out, skewed));
    }
}
