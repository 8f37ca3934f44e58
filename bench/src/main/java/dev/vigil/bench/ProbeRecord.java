package dev.vigil.bench;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of an {@link HttpProbe} log: {@code epoch_ms,ok,NODE} or {@code epoch_ms,fail,ERROR}.
 *
 * @param epochMillis when the probe was sent (its slot on the probing grid), wall clock
 * @param ok          whether a 200 answer naming a node came back within the timeout
 * @param detail      the serving node's name if ok, else what went wrong
 */
public record ProbeRecord(long epochMillis, boolean ok, String detail) {

    public ProbeRecord {
        Objects.requireNonNull(detail, "detail");
        // The log is comma-separated and line-based; errors are free text, so they are flattened.
        detail = detail.replaceAll("\\s*[,\\r\\n]+\\s*", " ").strip();
        if (ok && detail.isEmpty()) {
            throw new IllegalArgumentException("a good answer names its node");
        }
    }

    public static ProbeRecord ok(long epochMillis, String node) {
        return new ProbeRecord(epochMillis, true, node);
    }

    public static ProbeRecord fail(long epochMillis, String error) {
        return new ProbeRecord(epochMillis, false, error.isBlank() ? "error" : error);
    }

    /** The node that answered, for a good probe. */
    public Optional<String> node() {
        return ok ? Optional.of(detail) : Optional.empty();
    }

    public String format() {
        return epochMillis + "," + (ok ? "ok" : "fail") + "," + detail;
    }

    /**
     * Reads one log line.
     *
     * @param where the file and line number, for the error message
     * @throws IllegalArgumentException naming {@code where} and the column of the problem
     */
    public static ProbeRecord parse(String line, String where) {
        int c1 = line.indexOf(',');
        int c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1);
        if (c1 < 0 || c2 < 0) {
            throw new IllegalArgumentException(where + ":1: expected epoch_ms,ok|fail,detail but got '" + line + "'");
        }
        long epoch;
        try {
            epoch = Long.parseLong(line.substring(0, c1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ":1: '" + line.substring(0, c1) + "' is not epoch milliseconds");
        }
        var status = line.substring(c1 + 1, c2);
        var detail = line.substring(c2 + 1);
        return switch (status) {
            case "ok" -> {
                if (detail.isBlank()) {
                    throw new IllegalArgumentException(where + ":" + (c2 + 2) + ": an ok probe must name its node");
                }
                yield ok(epoch, detail);
            }
            case "fail" -> fail(epoch, detail);
            default -> throw new IllegalArgumentException(where + ":" + (c1 + 2) + ": status must be ok or fail, got '" + status + "'");
        };
    }
}
