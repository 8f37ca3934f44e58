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
 * overlapping requests. Its outage is computed here the way a report's is defined, but by code of
 * its own: from the last answer before a run of failures to the first answer after it.
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
     * A run of failures: from the end of the last answer before it to the end of the first answer
     * after it; and the spacing of the attempts' starts at its two edges (last answer → first
     * failure, last failure → first answer), which bounds how precisely each edge was seen.
     */
    record Outage(long nanos, long startEdgeNanos, long endEdgeNanos) {
        long ms() {
            return nanos / 1_000_000;
        }
    }

    /** The longest outage in {@code samples} (ordered by start), or none. */
    static java.util.Optional<Outage> longestOutage(List<Sample> samples) {
        Outage worst = null;
        Sample lastOk = null;
        Sample firstFail = null;
        Sample lastFail = null;
        for (var s : samples) {
            if (!s.ok()) {
                if (firstFail == null && lastOk != null) firstFail = s;
                lastFail = s;
            } else {
                if (firstFail != null) {
                    var o = new Outage(s.endNanos() - lastOk.endNanos(), firstFail.startNanos() - lastOk.startNanos(),
                            s.startNanos() - lastFail.startNanos());
                    if (worst == null || o.nanos() > worst.nanos()) worst = o;
                    firstFail = null;
                }
                if (lastOk == null || s.endNanos() >= lastOk.endNanos()) lastOk = s;
            }
        }
        return java.util.Optional.ofNullable(worst);
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
