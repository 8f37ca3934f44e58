package dev.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an {@link AmqpFailoverProbe} run says: from the publisher's log
 * ({@code epoch_ms,confirmed|failed,seq[,reason]}) and the consumer's ({@code epoch_ms,seq}).
 *
 * @param confirmed messages the broker confirmed
 * @param lost confirmed messages never consumed
 * @param duplicates extra copies consumed (a message consumed twice counts one)
 * @param unconfirmedDelivered messages consumed that were never confirmed (the publish failed, but
 *     the broker had taken it: at-least-once publishing would send them again)
 * @param failed publish attempts that failed (no connection, no confirm) after the first confirm
 * @param gapMs the last confirm before the first failure to the first confirm after it; 0 if
 *     nothing failed, -1 if nothing was confirmed after the failure
 */
public record FailoverTally(int confirmed, int lost, int duplicates, int unconfirmedDelivered, int failed, long gapMs) {

    public static FailoverTally of(Path published, Path consumed) throws IOException {
        return of(Files.readAllLines(published), Files.readAllLines(consumed));
    }

    static FailoverTally of(List<String> published, List<String> consumed) {
        Set<Long> confirmed = new HashSet<>();
        int failed = 0;
        long lastBefore = -1;
        long firstFailure = -1;
        long firstAfter = -1;
        for (String line : published) {
            if (line.isBlank()) continue;
            String[] f = line.split(",", 4);
            long t = Long.parseLong(f[0]);
            if (f[1].equals("confirmed")) {
                confirmed.add(Long.parseLong(f[2]));
                if (firstFailure < 0) lastBefore = t;
                else if (firstAfter < 0) firstAfter = t;
            } else if (!confirmed.isEmpty()) { // failures before the first confirm: the service was not up yet
                failed++;
                if (firstFailure < 0) firstFailure = t;
            }
        }
        Map<Long, Integer> seen = new HashMap<>();
        for (String line : consumed) {
            if (line.isBlank()) continue;
            seen.merge(Long.parseLong(line.split(",", 2)[1].trim()), 1, Integer::sum);
        }
        int lost = (int) confirmed.stream().filter(s -> !seen.containsKey(s)).count();
        int duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
        int unconfirmedDelivered = (int) seen.keySet().stream().filter(s -> !confirmed.contains(s)).count();
        long gap = firstFailure < 0 ? 0 : firstAfter < 0 || lastBefore < 0 ? -1 : firstAfter - lastBefore;
        return new FailoverTally(confirmed.size(), lost, duplicates, unconfirmedDelivered, failed, gap);
    }

    @Override
    public String toString() {
        return "confirmed=" + confirmed + " lost=" + lost + " duplicates=" + duplicates
                + " unconfirmed_delivered=" + unconfirmedDelivered + " failed=" + failed + " gap_ms=" + gapMs;
    }
}
