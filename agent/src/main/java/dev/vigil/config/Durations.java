package dev.vigil.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads and prints durations the way ha.cf and systemd users write them: 200ms, 1s, 1.5s, 2m, 1h. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    private Durations() {}

    /**
     * A bare number means seconds, as in heartbeat's ha.cf.
     *
     * @return empty when the text is not a duration
     */
    public static Optional<Duration> parse(String text) {
        var m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        var amount = new java.math.BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long millisPerUnit = switch (unit) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> throw new IllegalStateException(unit);
        };
        var millis = amount.multiply(java.math.BigDecimal.valueOf(millisPerUnit));
        if (millis.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE / 1_000_000)) > 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(millis.multiply(java.math.BigDecimal.valueOf(1_000_000)).longValue()));
    }

    /** Shortest exact form: 250ms, 1s, 1500ms, 2m. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms != 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms != 0 && ms % 1_000 == 0) return ms / 1_000 + "s";
        return ms + "ms";
    }
}
