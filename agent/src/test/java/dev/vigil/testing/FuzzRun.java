package dev.vigil.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Proof that a fuzz target was fuzzed, not only replayed from its seeds: each target counts its
 * inputs and when it saw the first and the last, and checks in {@code @AfterAll}.
 *
 * <p>The fuzzing executions in agent/pom.xml set {@code fuzz.required} to {@code fuzz.duration}.
 * When it is set, the target must have run in fuzzing mode ({@code JAZZER_FUZZ}) and seen inputs
 * for at least {@link #SHARE} of that time; anything less (Jazzer not fuzzing, stopping early,
 * the environment variable lost) fails the test and so the build. In a plain unit run (seeds
 * only, no {@code fuzz.required}) it checks nothing.
 */
public final class FuzzRun {
    /** Start-up and the last input's tail are not fuzzing time; anything shorter than this is not a run. */
    static final double SHARE = 0.8;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([smhd]?)");

    private final AtomicLong inputs = new AtomicLong();
    private volatile long firstNanos;
    private volatile long lastNanos;

    /** Once per fuzzed input. */
    public void saw() {
        long now = System.nanoTime();
        if (inputs.getAndIncrement() == 0) firstNanos = now;
        lastNanos = now;
    }

    /** From {@code @AfterAll}. */
    public void check(String target) {
        String required = System.getProperty("fuzz.required");
        if (required == null || required.isBlank()) return;
        Duration duration = parse(required);
        if (System.getenv("JAZZER_FUZZ") == null || System.getenv("JAZZER_FUZZ").isBlank()) {
            throw new AssertionError(target + ": fuzz.required=" + required + " but JAZZER_FUZZ is not set:"
                    + " Jazzer only replayed the seeds");
        }
        long n = inputs.get();
        Duration ran = n == 0 ? Duration.ZERO : Duration.ofNanos(lastNanos - firstNanos);
        System.out.printf("%s: fuzzed %d inputs in %d ms (required %s)%n", target, n, ran.toMillis(), required);
        if (ran.toMillis() < duration.toMillis() * SHARE) {
            throw new AssertionError(target + ": fuzzed for " + ran.toMillis() + " ms (" + n + " inputs), but "
                    + required + " was configured: the fuzzer did not run for its time");
        }
    }

    /** Jazzer's duration syntax as used here: a number with s, m, h or d (seconds if none). */
    static Duration parse(String text) {
        var m = DURATION.matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("fuzz duration '" + text + "': expected e.g. 60s, 10m, 2h");
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            case "d" -> Duration.ofDays(v);
            default -> Duration.ofSeconds(v);
        };
    }
}
