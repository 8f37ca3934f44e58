package dev.vigil.fencing;

import dev.vigil.model.FenceDevice;
import dev.vigil.resources.OutputCollector;
import dev.vigil.resources.ProcessSession;
import dev.vigil.time.MonotonicClock;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ClusterLabs-style fence agents: the agent gets no arguments, reads {@code key=value} lines
 * from stdin and answers by exit code (for status: 0 on, 2 off, anything else an error).
 *
 * <p>Parameters go over stdin and never on the command line, because anyone can read another
 * process's arguments in {@code ps} and fence parameters include passwords. Each agent runs in its
 * own session (util-linux {@code setsid}, like resource agents) so that a timeout can kill
 * everything it started, including an ssh or ipmitool child that has been re-parented to init.
 *
 * <p>The caller's thread runs the agent; fencing is rare and the caller (the fencing decision)
 * has nothing better to do than wait for it.
 */
public final class FenceRunner implements AutoCloseable {
    /** How much of each output stream a result keeps. */
    public static final int TAIL_CHARS = 4096;
    /**
     * How much stdout metadata and list keep: their output is the answer, not a diagnostic, and
     * fence-agents' metadata runs to tens of kilobytes. Still bounded, as a broken agent can print forever.
     */
    public static final int ANSWER_CHARS = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(FenceRunner.class);

    private final List<Path> searchPath;
    private final String envPath;
    private final Duration killGrace;
    private final Clock clock;
    private final RandomGenerator random;
    private final Sleeper sleeper;
    private final ExecutorService readers;

    /** Waits out a fence delay; tests record instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis());
    }

    /**
     * @param searchPath directories searched in order for the agent's command name
     * @param killGrace  time between SIGTERM and SIGKILL for a timed-out agent's session
     */
    public FenceRunner(List<Path> searchPath, Duration killGrace) {
        this(searchPath, killGrace, MonotonicClock.create());
    }

    public FenceRunner(List<Path> searchPath, Duration killGrace, Clock clock) {
        this(searchPath, killGrace, clock, new SplittableRandom(), Sleeper.REAL);
    }

    /**
     * @param random  draws the random part of a device's delay ({@code delay_max})
     * @param sleeper waits out the delays
     */
    public FenceRunner(List<Path> searchPath, Duration killGrace, Clock clock, RandomGenerator random, Sleeper sleeper) {
        this.random = Objects.requireNonNull(random, "random");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.searchPath = List.copyOf(searchPath);
        this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.envPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        AtomicInteger n = new AtomicInteger();
        // Unbounded: a reader may stay blocked after its agent ends if a background child holds the pipe.
        this.readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vigil-fence-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Where fence-agents packages install ({@code /usr/sbin}), then Vigil's own agents. */
    public static List<Path> defaultSearchPath(Path vigilFenceAgentsDir) {
        return List.of(Path.of("/usr/sbin"), vigilFenceAgentsDir);
    }

    /** The agent's executable, or empty if no directory on the search path has it. */
    public Optional<Path> resolve(String agent) {
        return searchPath.stream()
                .map(dir -> dir.resolve(agent))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /** The lines the agent reads on stdin, in order, each ending in a newline. */
    static List<String> stdinLines(FenceRequest request) {
        List<String> lines = new ArrayList<>();
        lines.add("action=" + request.action().wireName());
        request.target().ifPresent(node -> {
            // fence-agents call the outlet "plug" (older agents "port") and also accept the node name.
            String plug = request.device().plugFor(node);
            lines.add("plug=" + plug);
            lines.add("nodename=" + node);
        });
        request.device().params().forEach((k, v) -> {
            if (!(k.equals("action") || request.target().isPresent() && (k.equals("plug") || k.equals("nodename")))) {
                lines.add(k + "=" + v);
            }
        });
        return lines;
    }

    /** Runs one operation of one device and waits for it. */
    public FenceResult run(FenceRequest request) {
        FenceDevice device = request.device();
        Secrets secrets = Secrets.of(device.params());
        String tag = "fence " + device.id() + " " + request.action().wireName()
                + request.target().map(t -> " " + t).orElse("");
        Instant started = clock.instant();
        Optional<Path> executable = resolve(device.agent());
        if (executable.isEmpty()) {
            String reason = "fence agent " + device.agent() + " is not installed (searched " + searchPath + ")";
            log.warn("{}: {}", tag, reason);
            return result(request, FenceOutcome.NOT_INSTALLED, OptionalInt.empty(), Duration.ZERO, "", "", reason);
        }
        log.info("{}: running {} with {}", tag, executable.get(), Secrets.masked(device.params()));

        ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "-w", executable.get().toString()))
                .directory(new File("/"));
        builder.environment().put("PATH", envPath);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            String reason = "cannot launch " + executable.get() + ": " + e.getMessage();
            log.error("{}: {}", tag, reason);
            return result(request, FenceOutcome.FAILED, OptionalInt.empty(), since(started), "", "", reason);
        }
        int stdoutChars = request.action() == FenceAction.METADATA || request.action() == FenceAction.LIST
                ? ANSWER_CHARS : TAIL_CHARS;
        OutputCollector out = new OutputCollector(process.getInputStream(), stdoutChars, log, tag, false, secrets::redact);
        OutputCollector err = new OutputCollector(process.getErrorStream(), TAIL_CHARS, log, tag, true, secrets::redact);
        readers.execute(out);
        readers.execute(err);
        writeStdin(process, stdinLines(request), tag);

        ProcessSession.Ending ending;
        try {
            ending = ProcessSession.await(process, device.timeout(), killGrace, List.of(out, err), log, tag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return result(request, FenceOutcome.FAILED, OptionalInt.empty(), since(started),
                    secrets.redact(out.tail()), secrets.redact(err.tail()), "interrupted while running");
        }
        Duration took = since(started);
        String stdout = secrets.redact(out.tail());
        String stderr = secrets.redact(err.tail());
        if (ending.timedOut()) {
            return result(request, FenceOutcome.TIMED_OUT, OptionalInt.empty(), took, stdout, stderr,
                    "timed out after " + device.timeout());
        }
        int code = process.exitValue();
        FenceOutcome outcome = outcome(request.action(), code);
        String reason = reason(request, outcome, code, stderr);
        log.info("{}: {} (exit {}) in {} ms", tag, outcome, code, took.toMillis());
        return result(request, outcome, OptionalInt.of(code), took, stdout, stderr, reason);
    }

    /**
     * Fences {@code node} with the first device that succeeds, trying them in order: one fencing
     * topology level in its simplest form. Devices with a host map only fence the nodes in it
     * (Pacemaker's pcmk_host_map). No device at all is a failure.
     */
    public FenceReport fence(String node, FenceAction action, List<FenceDevice> devices) {
        return fence(node, action, devices, false);
    }

    /**
     * As {@link #fence(String, FenceAction, List)}, and with {@code verifyOff} a successful OFF is
     * followed by a STATUS of the same device: a device that then reports the node still on has
     * not fenced it, and the next device is tried. A status that fails (not every agent can tell)
     * leaves the off's own answer standing, as Pacemaker trusts it. REBOOT is not verified: the
     * node may be on again by the time we ask, which is the point of a reboot.
     */
    public FenceReport fence(String node, FenceAction action, List<FenceDevice> devices, boolean verifyOff) {
        return fence(node, action, devices, verifyOff, Duration.ZERO);
    }

    /**
     * As {@link #fence(String, FenceAction, List, boolean)}, first waiting {@code firstDelay} (the
     * priority_fencing_delay), and before each device's off or reboot that device's own delay
     * ({@link dev.vigil.model.FenceDelay}), as Pacemaker adds pcmk_delay_base/max to the requested delay.
     * An on or a status check never waits. Interrupted while waiting, it fences nobody.
     */
    public FenceReport fence(String node, FenceAction action, List<FenceDevice> devices, boolean verifyOff,
            Duration firstDelay) {
        if (action != FenceAction.OFF && action != FenceAction.REBOOT && action != FenceAction.ON) {
            throw new IllegalArgumentException("fence() is for off, reboot or on, not " + action.wireName());
        }
        boolean delayed = action != FenceAction.ON;
        if (delayed && !waited(firstDelay, "fence " + node + ": waiting {} ms first (priority_fencing_delay)")) {
            return new FenceReport(node, action, false, List.of());
        }
        List<FenceResult> attempts = new ArrayList<>();
        for (FenceDevice device : devices) {
            if (!device.canFence(node)) {
                continue;
            }
            if (delayed && !waited(device.delay().pick(node, random),
                    "fence " + device.id() + " " + action.wireName() + " " + node + ": waiting {} ms first (delay_base/delay_max)")) {
                return new FenceReport(node, action, false, attempts);
            }
            FenceResult r = run(FenceRequest.node(device, action, node));
            attempts.add(r);
            if (r.succeeded() && verifyOff && action == FenceAction.OFF) {
                FenceResult check = run(FenceRequest.node(device, FenceAction.STATUS, node));
                attempts.add(check);
                if (check.outcome() == FenceOutcome.POWERED_ON) {
                    log.warn("device {} reported {} off, but its status says on; trying the next device",
                            device.id(), node);
                    continue;
                }
            }
            if (r.succeeded()) {
                log.info("fenced {} ({}) with device {}", node, action.wireName(), device.id());
                return new FenceReport(node, action, true, attempts);
            }
            log.warn("fencing {} with device {} failed: {}; trying the next device", node, device.id(), r.reason());
        }
        log.error("could not fence {} ({}): {}", node, action.wireName(),
                devices.isEmpty() ? "no fence device configured" : "every device failed");
        return new FenceReport(node, action, false, attempts);
    }

    /** Waits {@code d} (logged with {@code message}); false if interrupted meanwhile. */
    private boolean waited(Duration d, String message) {
        if (d.isZero()) {
            return true;
        }
        log.info(message, d.toMillis());
        try {
            sleeper.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("interrupted while waiting to fence; not fencing");
            return false;
        }
    }

    static FenceOutcome outcome(FenceAction action, int code) {
        if (action == FenceAction.STATUS) {
            return switch (code) {
                case 0 -> FenceOutcome.POWERED_ON;
                case 2 -> FenceOutcome.POWERED_OFF;
                default -> FenceOutcome.FAILED;
            };
        }
        return code == 0 ? FenceOutcome.SUCCESS : FenceOutcome.FAILED;
    }

    private static String reason(FenceRequest request, FenceOutcome outcome, int code, String stderr) {
        String what = request.action().wireName() + request.target().map(t -> " of " + t).orElse("")
                + " by " + request.device().agent();
        return switch (outcome) {
            case SUCCESS -> what + " succeeded";
            case POWERED_ON -> request.target().orElse("target") + " is powered on";
            case POWERED_OFF -> request.target().orElse("target") + " is powered off";
            default -> what + " failed with exit code " + code + lastLine(stderr).map(l -> ": " + l).orElse("");
        };
    }

    private static Optional<String> lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? Optional.empty() : Optional.of(last);
    }

    private static void writeStdin(Process process, List<String> lines, String tag) {
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        // Closing stdin is the end-of-request marker: agents read until EOF.
        try (OutputStream in = process.getOutputStream()) {
            in.write(text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // An agent may exit without reading everything; its exit code still counts.
            log.debug("{}: agent did not take all of stdin: {}", tag, e.toString());
        }
    }

    private FenceResult result(FenceRequest request, FenceOutcome outcome, OptionalInt code, Duration took,
            String stdout, String stderr, String reason) {
        String safeReason = Secrets.of(request.device().params()).redact(reason);
        return new FenceResult(request.device().id(), request.action(), request.target(), outcome, code, took,
                stdout, stderr, safeReason);
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    @Override
    public void close() {
        readers.shutdown();
    }
}
