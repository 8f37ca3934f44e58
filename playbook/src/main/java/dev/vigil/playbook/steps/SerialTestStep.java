package dev.vigil.playbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.Durations;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code serial_test}: heartbeat's serial cable check between this host and its {@code peer},
 * with {@code vigil serial-test}: a receiver on the peer first, then the sender here, which
 * reports OK, DEGRADED or NO_LINK (exit 0, 1, 2). The step fails below {@code min}. It changes
 * nothing, so it is never a change; a plan only checks that both devices exist and sends nothing.
 *
 * <p>The sender starts once the receiver holds its device open (seen in {@code /proc/PID/fd} on
 * the peer): probes sent before that would be lost on a real line and read as a bad cable.
 */
final class SerialTestStep implements Step {
    static final String DEFAULT_DEVICE = "/dev/ttyS0";
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(5);
    /** The serial-test command's default interval between probes; {@code duration} sets the count. */
    static final Duration INTERVAL = Duration.ofMillis(50);
    /** How long the receiver may take to start and open its device (a JVM on a loaded node). */
    static final Duration RECEIVER_START = Duration.ofSeconds(30);
    /** After the sender is done the receiver stops by itself within its quiet limit (3 s) and linger. */
    static final Duration RECEIVER_END = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Min { OK, DEGRADED }

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        var params = new java.util.HashMap<>(p);
        params.putIfAbsent("device", DEFAULT_DEVICE);
        params.putIfAbsent("peer_device", DEFAULT_DEVICE);
        String device = Step.path(params, "device");
        String peerDevice = Step.path(params, "peer_device");
        String peerName = p.getOrDefault("peer", "");
        if (peerName.equals(host.name())) throw new Failure("`peer` is this host; name the host at the cable's other end");
        Host peer = ctx.peers().apply(peerName)
                .orElseThrow(() -> new Failure("`peer` " + peerName + " is not a host of this run; add it to `hosts`"));
        int baud = baud(p.getOrDefault("baud", "19200"));
        Min min = min(p.getOrDefault("min", "ok"));
        Duration duration = duration(p.getOrDefault("duration", Durations.format(DEFAULT_DURATION)));

        for (var end : new Object[][] {{host, device}, {peer, peerDevice}}) {
            Host h = (Host) end[0];
            String d = (String) end[1];
            if (h.kind(d) == Host.Kind.MISSING) throw new Failure("no device " + d + " on " + h.name());
            if (h.kind(d) != Host.Kind.OTHER) throw new Failure(d + " on " + h.name() + " is not a device");
        }
        String cable = host.name() + ":" + device + " ↔ " + peer.name() + ":" + peerDevice;
        if (!apply) return Outcome.ok("both devices exist; would test " + cable + " for " + Durations.format(duration));

        long count = Math.max(1, duration.toMillis() / INTERVAL.toMillis());
        if (count > 100_000) throw new Failure("`duration` " + Durations.format(duration) + " is too long (at most 100000 probes of 50ms)");
        // The receiver waits for the first probe up to its start allowance; the whole test is bounded by the step's timeout.
        Duration receiverWait = RECEIVER_START.plus(Duration.ofSeconds(5));
        Duration budget = receiverWait.plus(duration).plus(RECEIVER_END);
        if (budget.compareTo(ctx.timeout()) > 0) budget = ctx.timeout();
        final Duration receiverBudget = budget;

        var holders = holders(peer, peerDevice);
        String receiver = "vigil serial-test --role receiver --json --device " + Quoting.sh(peerDevice) + " --baud " + baud
                + " --timeout " + Durations.format(receiverWait);
        // Its own thread, so that cancelling interrupts it and LocalHost kills the receiver (a NO_LINK receiver would wait on).
        var pool = Executors.newSingleThreadExecutor(r -> {
            var t = new Thread(r, "serial-test-receiver");
            t.setDaemon(true);
            return t;
        });
        Future<Host.Exec> rx = pool.submit(() -> peer.shell(receiver, receiverBudget));
        try {
            waitForReceiver(peer, peerDevice, holders, rx);
            String sender = "vigil serial-test --role sender --json --device " + Quoting.sh(device) + " --baud " + baud
                    + " --count " + count + " --interval " + Durations.format(INTERVAL);
            var tx = host.shell(sender, duration.plus(RECEIVER_END).plus(RECEIVER_START));
            // With echoes the receiver ends by itself soon after the sender; without, it would wait on: it is stopped.
            Host.Exec rxResult = tx.exitCode() == 0 || tx.exitCode() == 1 ? receiverResult(rx, RECEIVER_END) : null;
            return judge(tx, rxResult, min, cable);
        } finally {
            rx.cancel(true);
            pool.shutdownNow();
        }
    }

    /** The step's verdict from the sender's exit code and JSON, with the receiver's word when it has one. */
    static Outcome judge(Host.Exec tx, Host.Exec rx, Min min, String cable) throws Failure {
        if (tx.timedOut()) throw new Failure("the sender did not finish in time on " + cable);
        var json = parse(tx.output());
        if (tx.exitCode() > 2 || json.isEmpty()) {
            throw new Failure("vigil serial-test could not run (exit " + tx.exitCode() + ")" + CommandStep.tail(tx.output()));
        }
        String verdict = json.get().path("verdict").asText("?");
        String explanation = json.get().path("explanation").asText("");
        String rxWord = rx == null ? "" : parse(rx.output()).map(r -> "; receiver: " + r.path("verdict").asText("?")
                + ", " + r.path("explanation").asText("")).orElse("");
        String msg = verdict + " " + cable + ": " + explanation + rxWord;
        boolean enough = tx.exitCode() == 0 || (tx.exitCode() == 1 && min == Min.DEGRADED);
        if (!enough) throw new Failure(msg + " (the step needs " + (min == Min.OK ? "OK" : "DEGRADED or better") + ")");
        return Outcome.ok(msg);
    }

    private static Optional<JsonNode> parse(String output) {
        int start = output.indexOf('{');
        if (start < 0) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(output.substring(start));
            return n != null && n.has("verdict") ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The PIDs holding {@code device} open on {@code h}, one per line (the device's real path in /proc/PID/fd). */
    private static String holders(Host h, String device) throws IOException {
        var r = h.shell("d=$(readlink -f " + Quoting.sh(device) + ") && find /proc/[0-9]*/fd -maxdepth 1 -lname \"$d\" 2>/dev/null"
                + " | cut -d/ -f3 | sort -u", Duration.ofSeconds(30));
        return r.output().strip();
    }

    /** Waits until a process other than those holding the device before holds it: the receiver. */
    private static void waitForReceiver(Host peer, String device, String before, Future<Host.Exec> rx)
            throws IOException, Failure {
        long deadline = System.nanoTime() + RECEIVER_START.toNanos();
        var old = java.util.Set.of(before.split("\\s+"));
        while (System.nanoTime() < deadline) {
            if (rx.isDone()) {
                Host.Exec r = receiverResult(rx, Duration.ZERO);
                throw new Failure("the receiver on " + peer.name() + " stopped before the test began (exit "
                        + (r == null ? "?" : r.exitCode()) + ")" + (r == null ? "" : CommandStep.tail(r.output())));
            }
            for (String pid : holders(peer, device).split("\\s+")) {
                if (!pid.isEmpty() && !old.contains(pid)) return;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the receiver", e);
            }
        }
        throw new Failure("the receiver on " + peer.name() + " did not open " + device + " within "
                + Durations.format(RECEIVER_START));
    }

    /** The receiver's result once it ends by itself (bounded); null when it does not or failed to run. */
    private static Host.Exec receiverResult(Future<Host.Exec> rx, Duration wait) {
        try {
            return rx.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            return null;
        }
    }

    static int baud(String v) throws Failure {
        try {
            int b = Integer.parseInt(v);
            if (b > 0) return b;
        } catch (NumberFormatException e) {
            // below
        }
        throw new Failure("`baud` must be a positive integer such as 19200, got '" + v + "'");
    }

    static Min min(String v) throws Failure {
        return switch (v) {
            case "ok" -> Min.OK;
            case "degraded" -> Min.DEGRADED;
            default -> throw new Failure("`min` must be ok or degraded, got '" + v + "'");
        };
    }

    static Duration duration(String v) throws Failure {
        return Durations.parse(v).filter(d -> d.compareTo(INTERVAL) >= 0)
                .orElseThrow(() -> new Failure("`duration` must be a duration of at least 50ms such as 5s, got '" + v + "'"));
    }
}
