package dev.vigil.resources;

import dev.vigil.model.ResourceAgentRef;
import dev.vigil.model.ResourceClass;
import dev.vigil.time.MonotonicClock;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs resource operations as child processes and reports typed results: the agent's local
 * executor (Pacemaker's execd). It decides nothing; scheduling and recovery sit above it.
 *
 * <p>Operations on different resources run in parallel on the executor's own {@code vigil-exec-*}
 * threads, never on heartbeat threads, so a slow agent cannot delay failure detection. Operations
 * on the same resource run one after another in submission order, because agents assume they are
 * not called concurrently for one instance (a monitor during a stop would race its state file).
 *
 * <p>A timed-out agent's whole session is killed (SIGTERM, {@link ExecutorSettings#killGrace()},
 * SIGKILL). An agent that exits normally keeps whatever it started in the background: a start
 * action's daemon is the point of the operation.
 */
public final class ResourceExecutor implements AutoCloseable {
    /** How much of each output stream a result keeps. */
    public static final int TAIL_CHARS = 4096;
    static final int OCF_RA_VERSION_MAJOR = 1;
    static final int OCF_RA_VERSION_MINOR = 1;

    private static final Logger log = LoggerFactory.getLogger(ResourceExecutor.class);

    private final ExecutorSettings settings;
    private final Clock clock;
    private final ExecutorService workers;
    private final ExecutorService readers;
    private final ConcurrentHashMap<String, CompletableFuture<OperationResult>> lastByResource =
            new ConcurrentHashMap<>();

    public ResourceExecutor(ExecutorSettings settings) {
        this(settings, MonotonicClock.create());
    }

    /** @param clock measures operation durations; a monotonic one, so NTP steps don't distort them */
    public ResourceExecutor(ExecutorSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        // Started now, on the constructing thread: a pool otherwise creates a worker in the thread
        // that submits, and a thread inherits its creator's scheduling policy. Operations are
        // submitted from the real-time coordination thread, and an agent forked from a real-time
        // worker would run real-time (apache and all its children with it).
        var pool = (java.util.concurrent.ThreadPoolExecutor) Executors.newFixedThreadPool(settings.threads(), named("vigil-exec-"));
        pool.prestartAllCoreThreads();
        this.workers = pool;
        // Readers are separate and unbounded: each running operation needs two, and a reader can
        // stay blocked after its operation ends if a background child keeps the pipe open.
        this.readers = Executors.newCachedThreadPool(named("vigil-exec-io-"));
    }

    /** Queues an operation; it starts once earlier operations on the same resource have finished. */
    public CompletableFuture<OperationResult> submit(OperationRequest request) {
        Objects.requireNonNull(request, "request");
        if (workers.isShutdown()) {
            throw new RejectedExecutionException("executor is closed");
        }
        return lastByResource.compute(request.resourceId(), (id, previous) -> {
            CompletableFuture<?> after = previous == null
                    ? CompletableFuture.completedFuture(null)
                    : previous.handle((r, e) -> null);
            CompletableFuture<OperationResult> next = after.thenApplyAsync(x -> run(request), workers);
            // Forget finished chains so the map holds only resources with work in flight.
            next.whenComplete((r, e) -> lastByResource.remove(id, next));
            return next;
        });
    }

    /** Runs an operation and waits for its result. */
    public OperationResult execute(OperationRequest request) {
        return submit(request).join();
    }

    private OperationResult run(OperationRequest request) {
        String tag = request.resourceId() + " " + actionName(request);
        Optional<List<String>> command;
        try {
            command = command(request);
        } catch (UnimplementedException e) {
            return OperationResult.withoutRunning(Outcome.ERR_UNIMPLEMENTED, e.getMessage());
        }
        if (command.isEmpty()) {
            String reason = "agent " + request.agent() + " is not installed (" + scriptPath(request.agent()) + ")";
            log.warn("{}: {}", tag, reason);
            return OperationResult.withoutRunning(Outcome.ERR_INSTALLED, reason);
        }
        List<String> argv = new ArrayList<>(List.of("setsid", "-w"));
        argv.addAll(command.get());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("PATH", settings.path());
        env.putAll(settings.agentEnvironment());
        if (request.agent().resourceClass() == ResourceClass.OCF) {
            env.putAll(ocfEnvironment(request, settings));
        }

        Instant started = clock.instant();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            log.error("{}: cannot launch {}: {}", tag, argv, e.toString());
            return new OperationResult(Outcome.ERR_GENERIC, OptionalInt.empty(), Duration.between(started, clock.instant()),
                    "", "", Optional.of("cannot launch agent: " + e.getMessage()));
        }
        log.debug("{}: launched pid {}: {}", tag, process.pid(), argv);
        OutputCollector out = new OutputCollector(process.getInputStream(), TAIL_CHARS, log, tag, false);
        OutputCollector err = new OutputCollector(process.getErrorStream(), TAIL_CHARS, log, tag, true);
        readers.execute(out);
        readers.execute(err);

        ProcessSession.Ending ending;
        try {
            ending = ProcessSession.await(process, request.timeout(), settings.killGrace(), List.of(out, err),
                    log, tag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new OperationResult(Outcome.ERR_GENERIC, OptionalInt.empty(), Duration.between(started, clock.instant()),
                    out.tail(), err.tail(), Optional.of("interrupted while running"));
        }
        Duration took = Duration.between(started, clock.instant());
        if (ending.timedOut()) {
            return new OperationResult(Outcome.TIMED_OUT, OptionalInt.empty(), took, out.tail(), err.tail(),
                    Optional.of("timed out after " + request.timeout()));
        }
        int code = process.exitValue();
        Outcome outcome = map(request, code, out.tail());
        // The resource manager logs what the result means; this is the raw detail.
        log.debug("{}: {} (exit {}) in {} ms", tag, outcome, code, took.toMillis());
        return new OperationResult(outcome, OptionalInt.of(code), took, out.tail(), err.tail(), err.exitReason());
    }

    private static String actionName(OperationRequest request) {
        return request.action() == Action.PROBE ? "probe" : request.action().ocfName();
    }

    private Outcome map(OperationRequest request, int code, String stdout) {
        return switch (request.agent().resourceClass()) {
            case OCF -> ExitCodeMapping.ocf(code);
            case LSB -> ExitCodeMapping.lsb(request.action(), code);
            case SYSTEMD -> ExitCodeMapping.systemd(request.action(), code, stdout);
            case HEARTBEAT -> ExitCodeMapping.heartbeat(request.action(), code, stdout);
        };
    }

    /** The agent's command line, or empty if the script is not there. */
    private Optional<List<String>> command(OperationRequest request) throws UnimplementedException {
        ResourceAgentRef agent = request.agent();
        Action action = request.action();
        if (agent.resourceClass() == ResourceClass.SYSTEMD) {
            String verb = switch (action) {
                case START -> "start";
                case STOP -> "stop";
                case MONITOR, PROBE -> "is-active";
                default -> throw new UnimplementedException("systemd units have no " + action.ocfName());
            };
            return Optional.of(List.of(settings.systemctl(), verb, agent.type()));
        }
        Path script = scriptPath(agent);
        if (!Files.isRegularFile(script) || !Files.isExecutable(script)) {
            return Optional.empty();
        }
        return Optional.of(switch (agent.resourceClass()) {
            case OCF -> List.of(script.toString(), action.ocfName());
            case LSB -> List.of(script.toString(), lsbVerb(action));
            case HEARTBEAT -> {
                List<String> argv = new ArrayList<>();
                argv.add(script.toString());
                argv.addAll(agent.args());
                argv.add(lsbVerb(action));
                yield argv;
            }
            case SYSTEMD -> throw new AssertionError("handled above");
        });
    }

    private static String lsbVerb(Action action) throws UnimplementedException {
        return switch (action) {
            case START -> "start";
            case STOP -> "stop";
            case MONITOR, PROBE -> "status";
            default -> throw new UnimplementedException("init scripts have no " + action.ocfName());
        };
    }

    Path scriptPath(ResourceAgentRef agent) {
        return scriptPath(agent, settings);
    }

    /** Where the executor looks for {@code agent}'s script with these settings; {@code vigil config check} asks too. */
    public static Path scriptPath(ResourceAgentRef agent, ExecutorSettings settings) {
        return switch (agent.resourceClass()) {
            case OCF -> agent.provider().equals("vigil")
                    ? settings.vigilScriptsDir().resolve(agent.type())
                    : settings.ocfRoot().resolve("resource.d").resolve(agent.provider()).resolve(agent.type());
            case LSB -> settings.initDir().resolve(agent.type());
            case HEARTBEAT -> {
                // heartbeat's ResourceManager looked in resource.d first, then the init directory.
                Path own = settings.heartbeatDir().resolve(agent.type());
                yield Files.exists(own) ? own : settings.initDir().resolve(agent.type());
            }
            case SYSTEMD -> Path.of(settings.systemctl());
        };
    }

    /** The Pacemaker feature set Vigil's crm_attribute, crm_master and crm_mon answer as. */
    static final String CRM_FEATURE_SET = "3.16.2";

    /** The variables an OCF agent gets on top of the executor's own environment. */
    static Map<String, String> ocfEnvironment(OperationRequest request, ExecutorSettings settings) {
        Map<String, String> env = new java.util.TreeMap<>();
        ResourceAgentRef agent = request.agent();
        env.put("OCF_ROOT", settings.ocfRoot().toString());
        env.put("OCF_RA_VERSION_MAJOR", Integer.toString(OCF_RA_VERSION_MAJOR));
        env.put("OCF_RA_VERSION_MINOR", Integer.toString(OCF_RA_VERSION_MINOR));
        env.put("OCF_RESOURCE_INSTANCE", request.resourceId());
        env.put("OCF_RESOURCE_TYPE", agent.type());
        env.put("OCF_RESOURCE_PROVIDER", agent.provider());
        env.put("OCF_EXIT_REASON_PREFIX", OutputCollector.EXIT_REASON_PREFIX);
        env.put("HA_RSCTMP", settings.rscTmpDir().toString());
        // Pacemaker's feature set as Debian 12's Pacemaker 2.1.5 passes it: agents pick their
        // crm_mon options (redis, pgsql, galera: --output-as=xml) and crm_attribute -p by it.
        env.put("OCF_RESKEY_crm_feature_set", CRM_FEATURE_SET);
        // ocf-shellfuncs' crm_mon_no_validation runs "$SHELL" -c with bash's <(...): an agent
        // started from systemd has no SHELL, and a login shell may be anything.
        env.put("SHELL", "/bin/bash");
        request.params().forEach((k, v) -> env.put("OCF_RESKEY_" + k, v));
        request.meta().forEach((k, v) -> env.put("OCF_RESKEY_CRM_meta_" + k.replace('-', '_'), v));
        // Set last: the executor's own timeout and interval are the truth, whatever meta says.
        env.put("OCF_RESKEY_CRM_meta_timeout", Long.toString(request.timeout().toMillis()));
        env.put("OCF_RESKEY_CRM_meta_interval", Long.toString(request.interval().toMillis()));
        return env;
    }

    /** Stops taking work and waits briefly for running operations; they are bounded by their timeouts. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("resource operations still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdown();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static final class UnimplementedException extends Exception {
        UnimplementedException(String message) {
            super(message);
        }
    }
}
