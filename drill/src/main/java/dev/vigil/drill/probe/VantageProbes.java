package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Probes from named nodes ({@code vantage: ha3}): each runs on its node as {@code vigil drill
 * probe} ({@link ProbeStream}), started by a command the operator chooses (by default OpenSSH with
 * strict host key checking), once per drill, so nothing forks per attempt. The node stamps its
 * samples with its own monotonic clock; pings over the same connection estimate the offset to this
 * machine's ({@link ClockOffset}): a few quick ones at the start, then one a second. Samples are
 * placed on the drill's clock when read, with the best estimate so far, and the report says how
 * far off they can be. A vantage whose process ends during the drill is recorded as a failed
 * sample with what it said last.
 */
public final class VantageProbes implements Probes {
    /** How long a vantage may take to start (a connection, a JVM) and answer its first ping. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PING_EVERY = Duration.ofSeconds(1);
    private static final int QUICK_PINGS = 8;
    private static final int MAX_SAMPLES = InProcessProbes.MAX_SAMPLES;

    private final List<ProbeSpec> specs;
    private final Function<String, List<String>> command;
    private final DrillClock clock;
    private final Map<String, Vantage> vantages = new ConcurrentHashMap<>();
    private Thread pinger;
    private volatile boolean stop;

    /** One probe's process and what it sent, on the remote clock. */
    private final class Vantage {
        final ProbeSpec spec;
        final Process process;
        final OutputStream stdin;
        final List<ProbeSample> remote = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Failures of the vantage itself, on the drill's clock (it may never have told its own). */
        final List<ProbeSample> local = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<ClockOffset> offset = new AtomicReference<>();
        final Map<Long, Long> pings = new ConcurrentHashMap<>();
        final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        volatile String lastWords = "";
        long seq;

        Vantage(ProbeSpec spec, Process process) {
            this.spec = spec;
            this.process = process;
            this.stdin = process == null ? OutputStream.nullOutputStream() : process.getOutputStream();
        }

        synchronized void send(String text) {
            try {
                stdin.write(text.getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } catch (IOException e) {
                lastWords = lastWords.isEmpty() ? "cannot write to it: " + e.getMessage() : lastWords;
            }
        }

        synchronized void ping() { // from the reader (the first ones) and the pinger
            long n = ++seq;
            pings.put(n, clock.nanos());
            send("ping " + n + "\n");
        }

        void read() {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    long now = clock.nanos();
                    var f = line.split(" ", 5);
                    if (f[0].equals("pong") && f.length == 3) {
                        Long sent = pings.remove(Long.parseLong(f[1]));
                        if (sent == null) continue;
                        var trip = ClockOffset.of(sent, Long.parseLong(f[2]), now);
                        offset.accumulateAndGet(trip, (a, b) -> a == null ? b : a.with(b));
                        ready.countDown();
                    } else if (f[0].equals("sample") && f.length >= 4 && remote.size() < MAX_SAMPLES) {
                        remote.add(new ProbeSample(spec.name(), Long.parseLong(f[1]), Long.parseLong(f[2]), f[3].equals("1"),
                                f.length == 5 ? f[4] : ""));
                    } else if (f[0].equals("ready")) {
                        for (int i = 0; i < QUICK_PINGS; i++) ping();
                    } else if (!line.isBlank()) {
                        lastWords = line.strip(); // an error of ssh, of the launcher, or `error ...` of the probe
                    }
                }
            } catch (IOException | NumberFormatException e) {
                lastWords = "unreadable answer: " + e.getMessage();
            }
            if (!stop) {
                // The vantage is gone mid-drill: from here on its probe has no answer, and says why.
                long now = clock.nanos();
                local.add(new ProbeSample(spec.name(), now, now, false, "vantage " + spec.vantage() + " lost"
                        + (lastWords.isEmpty() ? "" : ": " + lastWords)));
            }
            ready.countDown();
        }
    }

    /**
     * @param command the command that runs {@code vigil drill probe} on a node, by its name (e.g.
     *                {@code ssh -o StrictHostKeyChecking=yes ha3 vigil drill probe})
     */
    public VantageProbes(List<ProbeSpec> specs, Function<String, List<String>> command, DrillClock clock) {
        this.specs = specs;
        this.command = command;
        this.clock = clock;
    }

    /** Starts every vantage and waits (at most {@link #START_TIMEOUT}) until each answered a ping or ended. */
    @Override
    public void start() {
        for (var spec : specs) {
            Process p;
            try {
                p = new ProcessBuilder(command.apply(spec.vantage())).redirectErrorStream(true).start();
            } catch (IOException e) {
                var failed = new ProbeSample(spec.name(), clock.nanos(), clock.nanos(), false,
                        "vantage " + spec.vantage() + " not started: " + e.getMessage());
                var v = new Vantage(spec, null);
                v.local.add(failed);
                v.ready.countDown();
                vantages.put(spec.name(), v);
                continue;
            }
            var v = new Vantage(spec, p);
            vantages.put(spec.name(), v);
            v.send(ProbeStream.specLines(spec));
            var t = new Thread(v::read, "drill-vantage-" + spec.name());
            t.setDaemon(true);
            t.start();
        }
        pinger = new Thread(this::pingEverySecond, "drill-vantage-pings");
        pinger.setDaemon(true);
        pinger.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (var v : vantages.values()) {
            try {
                v.ready.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void pingEverySecond() {
        while (!stop) {
            try {
                clock.sleep(PING_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            for (var v : vantages.values()) {
                if (v.process != null && v.ready.getCount() == 0) v.ping();
            }
        }
    }

    /** Every sample placed on the drill's clock; samples of a vantage that never answered a ping cannot be, and are left out. */
    @Override
    public List<ProbeSample> samples() {
        var all = new ArrayList<ProbeSample>();
        for (var v : vantages.values()) {
            all.addAll(placed(v));
        }
        all.sort(Comparator.comparingLong(ProbeSample::startNanos));
        return all;
    }

    @Override
    public Optional<ProbeSample> last(String probe) {
        var v = vantages.get(probe);
        return v == null ? Optional.empty() : placed(v).stream().max(Comparator.comparingLong(ProbeSample::startNanos));
    }

    /** A vantage's samples on the drill's clock: its own, converted (none before its first ping came back), and its failures. */
    private static List<ProbeSample> placed(Vantage v) {
        var out = new ArrayList<ProbeSample>();
        var o = v.offset.get();
        if (o != null) {
            synchronized (v.remote) {
                for (var s : v.remote) out.add(local(s, o));
            }
        }
        synchronized (v.local) {
            out.addAll(v.local);
        }
        return out;
    }

    @Override
    public Optional<String> clockNote(String probe) {
        var v = vantages.get(probe);
        if (v == null) return Optional.empty();
        var o = v.offset.get();
        if (o == null || o.trips() == 0) return Optional.of("from " + v.spec.vantage() + ", whose clock could not be read");
        return Optional.of(String.format(java.util.Locale.ROOT, "from %s, stamped with its monotonic clock, placed on this "
                + "machine's within ±%.1f ms (best of %d round trips: %.1f ms)", v.spec.vantage(), o.errorMs(), o.trips(),
                o.roundTripNanos() / 1e6));
    }

    private static ProbeSample local(ProbeSample s, ClockOffset o) {
        return new ProbeSample(s.probe(), o.toLocal(s.startNanos()), o.toLocal(s.endNanos()), s.ok(), s.detail());
    }

    /** Closes each vantage's input (it stops and exits), then waits a little and kills what is left. */
    @Override
    public void close() {
        stop = true;
        if (pinger != null) pinger.interrupt();
        for (var v : vantages.values()) {
            if (v.process == null) continue;
            try {
                v.stdin.close();
            } catch (IOException e) {
                // it is going anyway
            }
        }
        for (var v : vantages.values()) {
            if (v.process == null) continue;
            try {
                if (!v.process.waitFor(5, TimeUnit.SECONDS)) {
                    v.process.descendants().forEach(ProcessHandle::destroyForcibly);
                    v.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                v.process.destroyForcibly();
            }
        }
    }
}
