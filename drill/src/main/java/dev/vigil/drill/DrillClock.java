package dev.vigil.drill;

import dev.vigil.time.MonotonicClock;
import java.time.Duration;

/**
 * The run's sense of time, injected so tests drive a whole drill on a fake clock without sleeping.
 * {@link #nanos()} never jumps (it orders probes, phases and deadlines); {@link #epochMillis()} is
 * the wall clock the agents' events are stamped with, read from a {@link MonotonicClock} so it
 * does not jump during a run either.
 */
public interface DrillClock {
    long nanos();

    long epochMillis();

    void sleep(Duration d) throws InterruptedException;

    static DrillClock system() {
        var wall = MonotonicClock.create();
        return new DrillClock() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return wall.millis();
            }

            /** To the microsecond: Thread.sleep rounds up to the next millisecond, a 2 ms probe's grid would wobble by half. */
            @Override
            public void sleep(Duration d) throws InterruptedException {
                long end = System.nanoTime() + d.toNanos();
                for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(left);
                    if (Thread.interrupted()) throw new InterruptedException();
                }
            }
        };
    }
}
