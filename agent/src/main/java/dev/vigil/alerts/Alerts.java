package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import dev.vigil.config.AlertTopic;
import dev.vigil.config.NotifySpec;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the alerts of the cluster file. {@link #fire} is called on the agent's membership and
 * coordination threads and must never hold them up: it only checks the rate limits and puts
 * deliveries on a bounded queue served by a few alert threads; when the queue is full a delivery is
 * dropped and counted, never waited for. Each delivery is bounded by its alert's timeout (an agent's
 * session is killed at it), so a hung alert costs one alert thread for at most that long.
 * Outcomes are logged and counted ({@link #counters}, shown by {@code vigil status --json}).
 */
public final class Alerts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    /** Alert threads: runs at once; more wait in the queue. */
    public static final int THREADS = 4;
    /** Deliveries waiting for a thread; beyond this they are dropped. */
    public static final int QUEUE = 64;
    /** keepalived runs notify scripts without a limit; Vigil gives them this long. */
    public static final java.time.Duration NOTIFY_TIMEOUT = java.time.Duration.ofSeconds(30);
    /** What a notify script gets as PRIORITY: Vigil has no VRRP priority; keepalived's default. */
    public static final int NOTIFY_PRIORITY = 100;

    private final String cluster;
    private final String self;
    private final LongSupplier nanoTime;
    private final Map<AlertSpec.Kind, AlertSender> senders;
    private final ThreadPoolExecutor executor;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Counter, AtomicLong> counters = new EnumMap<>(Counter.class);
    private volatile List<Configured> alerts = List.of();

    /** What {@link #counters} counts. */
    public enum Counter {
        /** Delivered (an agent exited 0, a mail was accepted, a webhook answered 2xx). */
        SENT,
        /** Not delivered: an agent's non-zero exit, a refused mail, a webhook that kept failing. */
        FAILED,
        /** Given up at the alert's timeout (an agent killed with its session); also counted as failed. */
        TIMED_OUT,
        /** Not queued: the queue was full. */
        DROPPED,
        /** Not sent: over the alert's rate limit. */
        RATE_LIMITED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Configured(AlertSpec spec, Optional<RateLimit> limit) {}

    /**
     * @param nodeIds a node's id for CRM_alert_nodeid (its place in the cluster file, from 1)
     */
    public Alerts(String cluster, String self, List<AlertSpec> specs, ToIntFunction<String> nodeIds) {
        this(cluster, self, specs, System::nanoTime, Map.of(
                AlertSpec.Kind.AGENT, new AgentAlertSender(nodeIds, ZoneId.systemDefault()),
                // Lambdas, not SmtpSender::new: a constructor reference links its class at once, and
                // verifying SmtpSender loads Jakarta Mail's classes into every agent.
                AlertSpec.Kind.SMTP, new LazySender(() -> new SmtpSender()),
                AlertSpec.Kind.WEBHOOK, new LazySender(() -> new WebhookSender())), THREADS, QUEUE);
    }

    Alerts(String cluster, String self, List<AlertSpec> specs, LongSupplier nanoTime,
           Map<AlertSpec.Kind, AlertSender> senders, int threads, int queue) {
        this.cluster = cluster;
        this.self = self;
        this.nanoTime = nanoTime;
        this.senders = Map.copyOf(senders);
        for (Counter c : Counter.values()) {
            counters.put(c, new AtomicLong());
        }
        // Threads come and go with the work: an agent without alerts, or between failovers, holds none.
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "vigil-alert");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        reconfigure(specs);
    }

    /** A new cluster file: its alerts from now on (rate limits start afresh). */
    public void reconfigure(List<AlertSpec> specs) {
        alerts = specs.stream().map(s -> new Configured(s,
                s.rateLimit().map(r -> new RateLimit(r.count(), r.per(), nanoTime)))).toList();
    }

    /** Whether any alert wants this topic: callers skip building events nobody wants. */
    public boolean wanted(AlertTopic topic) {
        return alerts.stream().anyMatch(a -> a.spec().wants(topic));
    }

    /** Queues the event for every alert that wants it; never blocks. */
    public void fire(AlertEvent event) {
        List<Configured> now = alerts;
        if (now.stream().noneMatch(a -> a.spec().wants(event.topic()))) {
            return;
        }
        long seq = sequence.incrementAndGet();
        for (Configured a : now) {
            if (!a.spec().wants(event.topic())) {
                continue;
            }
            if (a.limit().isPresent() && !a.limit().get().tryAcquire()) {
                count(Counter.RATE_LIMITED);
                LOG.warn("alert {}: {} not sent, over its rate limit", a.spec().name(), event.topic().configName());
                continue;
            }
            // An agent runs once per recipient (Pacemaker's rule), and once with none when there are none.
            List<Optional<String>> runs = a.spec().kind() == AlertSpec.Kind.AGENT && !a.spec().recipients().isEmpty()
                    ? a.spec().recipients().stream().map(Optional::of).toList() : List.of(Optional.empty());
            for (Optional<String> recipient : runs) {
                submit(a.spec(), new Delivery(event, seq, recipient, cluster, self));
            }
        }
    }

    private void submit(AlertSpec spec, Delivery d) {
        String what = "alert " + spec.name() + " (" + d.event().topic().configName()
                + d.recipient().map(r -> " to " + r).orElse("") + ")";
        submit(what, () -> senders.get(spec.kind()).send(spec, d));
    }

    /**
     * keepalived's notify scripts of a floating IP: the one for {@code state}, and the one that gets
     * {@code INSTANCE NAME STATE PRIORITY} as keepalived passes them. Queued like alerts.
     */
    public void notify(String resource, NotifySpec spec, NotifyState state) {
        Optional<String> specific = switch (state) {
            case MASTER -> spec.master();
            case BACKUP -> spec.backup();
            case FAULT -> spec.fault();
        };
        specific.ifPresent(cmd -> submitNotify(resource, state, List.of(cmd.split("\\s+"))));
        spec.any().ifPresent(cmd -> {
            var argv = new java.util.ArrayList<>(List.of(cmd.split("\\s+")));
            argv.addAll(List.of("INSTANCE", resource, state.name(), Integer.toString(NOTIFY_PRIORITY)));
            submitNotify(resource, state, argv);
        });
    }

    private void submitNotify(String resource, NotifyState state, List<String> argv) {
        String what = "notify " + state.name().toLowerCase(java.util.Locale.ROOT) + " of " + resource;
        submit(what, () -> SessionCommand.run(argv, Map.of(), NOTIFY_TIMEOUT, what));
    }

    /** One send, as the alert threads run it. */
    private interface Attempt {
        void run() throws AlertSender.AlertFailure, InterruptedException;
    }

    private void submit(String what, Attempt attempt) {
        try {
            executor.execute(() -> deliver(what, attempt));
        } catch (RejectedExecutionException e) {
            count(Counter.DROPPED);
            LOG.warn("{} dropped: {} alerts already waiting", what, executor.getQueue().size());
        }
    }

    private void deliver(String what, Attempt attempt) {
        long started = nanoTime.getAsLong();
        try {
            attempt.run();
            count(Counter.SENT);
            LOG.info("{} sent in {} ms", what, (nanoTime.getAsLong() - started) / 1_000_000);
        } catch (AlertSender.AlertFailure e) {
            count(Counter.FAILED);
            if (e.timedOut()) {
                count(Counter.TIMED_OUT);
            }
            LOG.warn("{} failed: {}", what, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            count(Counter.FAILED);
        } catch (RuntimeException e) {
            count(Counter.FAILED);
            LOG.error("{} failed", what, e);
        }
    }

    private void count(Counter c) {
        counters.get(c).incrementAndGet();
    }

    /** Totals since the agent started, by {@link Counter#key()}. */
    public Map<String, Long> counters() {
        var out = new LinkedHashMap<String, Long>();
        counters.forEach((c, n) -> out.put(c.key(), n.get()));
        return out;
    }

    /** How long {@link #close} lets queued alerts (this node's resources stopping) go out. */
    static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(2);

    /**
     * Stops taking alerts, gives those queued {@link #CLOSE_GRACE} to go out, then interrupts the
     * rest (an agent's session is killed).
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Builds its sender on first use: the HTTP client's threads only exist where webhooks do, and
     * Jakarta Mail's classes are only loaded where mail is sent (the agent's memory budget).
     */
    private static final class LazySender implements AlertSender {
        private final java.util.function.Supplier<AlertSender> factory;
        private AlertSender sender;

        LazySender(java.util.function.Supplier<AlertSender> factory) {
            this.factory = factory;
        }

        @Override
        public void send(AlertSpec spec, Delivery d) throws AlertFailure, InterruptedException {
            AlertSender s;
            synchronized (this) {
                if (sender == null) {
                    sender = factory.get();
                }
                s = sender;
            }
            s.send(spec, d);
        }
    }
}
