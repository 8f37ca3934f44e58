package dev.vigil.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A prober that shares nothing with the drill's: {@code independent-prober.py} (python3, its own
 * process in the client namespace, its own clock), GETting the page on a fixed grid with
 * overlapping requests, each on a fresh connection. Its outage is computed here the way a report's
 * is defined, but by code of its own: from the last answer before a run of failures to the first
 * answer after it, in the order the answers came.
 */
final class IndependentProber implements AutoCloseable {
    record Sample(long startNanos, long endNanos, boolean ok) {}

    private final Process process;
    private final Path out;

    private IndependentProber(Process process, Path out) {
        this.process = process;
        this.out = out;
    }

    /** Starts probing {@code http://host:port/} from the bed's client namespace. */
    static IndependentProber start(HaBed bed, String host, int port, Duration interval, Duration timeout, Path dir) throws IOException {
        var script = dir.resolve("independent-prober.py");
        try (InputStream in = IndependentProber.class.getResourceAsStream("independent-prober.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        var out = dir.resolve("independent-prober-" + System.nanoTime() + ".samples");
        // `ip netns exec` execs the command: the process we hold is python's, and SIGTERM reaches it.
        var p = new ProcessBuilder("ip", "netns", "exec", bed.clientNamespace(), "python3", script.toString(), host,
                Integer.toString(port), Long.toString(interval.toMillis()), Long.toString(timeout.toMillis()), out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("independent-prober.log").toFile()).start();
        return new IndependentProber(p, out);
    }

    /** Stops it (SIGTERM) and returns its samples, oldest first. */
    List<Sample> stop(Duration timeout) throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("the independent prober did not stop within " + timeout);
        }
        var samples = new ArrayList<Sample>();
        for (var line : Files.readAllLines(out)) {
            var f = line.split(" ");
            samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("1")));
        }
        return samples;
    }

    /**
     * An outage: from the end of the last answer before a failure to the end of the first answer
     * after it, answers taken in the order they came (attempts overlap: a slow answer may end
     * after a later attempt's); and the spacing of the attempts' starts at its two edges (the
     * answer before → the first failure, the last failure → the answer after), which bounds how
     * precisely each edge was seen.
     */
    record Outage(long nanos, long startEdgeNanos, long endEdgeNanos) {
        long ms() {
            return nanos / 1_000_000;
        }
    }

    /** The longest outage in {@code samples}, or none. */
    static java.util.Optional<Outage> longestOutage(List<Sample> samples) {
        var answers = samples.stream().filter(Sample::ok).sorted(java.util.Comparator.comparingLong(Sample::endNanos)).toList();
        var failures = samples.stream().filter(s -> !s.ok()).sorted(java.util.Comparator.comparingLong(Sample::startNanos)).toList();
        Outage worst = null;
        // Each failure lies between the answer that came last before it started and the first that came after.
        int next = 0;
        for (int i = 0; i < failures.size(); ) {
            long started = failures.get(i).startNanos();
            while (next < answers.size() && answers.get(next).endNanos() <= started) next++;
            if (next == 0 || next == answers.size()) { // before the first answer, or never answered again
                i++;
                continue;
            }
            var before = answers.get(next - 1);
            var after = answers.get(next);
            int last = i;
            while (last + 1 < failures.size() && failures.get(last + 1).startNanos() < after.endNanos()) last++;
            var o = new Outage(after.endNanos() - before.endNanos(), started - before.startNanos(),
                    after.startNanos() - failures.get(last).startNanos());
            if (worst == null || o.nanos() > worst.nanos()) worst = o;
            i = last + 1;
        }
        return java.util.Optional.ofNullable(worst);
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
