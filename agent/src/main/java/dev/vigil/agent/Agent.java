package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.Durations;
import dev.vigil.config.LinkConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlServer;
import dev.vigil.control.StatusReport;
import dev.vigil.detection.DetectorEvent;
import dev.vigil.detection.FailureDetector;
import dev.vigil.detection.LinkState;
import dev.vigil.heartbeat.HeartbeatPacket;
import dev.vigil.heartbeat.HeartbeatReceiver;
import dev.vigil.heartbeat.HeartbeatSender;
import dev.vigil.heartbeat.MessageType;
import dev.vigil.heartbeat.PacketVerifier;
import dev.vigil.membership.Membership;
import dev.vigil.membership.MembershipView;
import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's daemon: wires transports, the heartbeat sender and receiver, the failure detector,
 * membership and the control socket, and runs them until {@link #close()}.
 *
 * <p>Threads, and why each is separate: the sender beats on a fixed grid and touches nothing
 * shared but a volatile view; each link has its own receive thread; the detector thread applies
 * timeouts; the control socket has its own pool. A slow status request or a flood of forged
 * packets on one link therefore cannot delay a heartbeat, and {@link RealtimePriority} puts the
 * timing-critical ones ahead of everything else on the host.
 */
public final class Agent implements AutoCloseable, ControlHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final ClusterConfig config;
    private final AgentOptions options;
    private final Clock clock;
    private final TransportFactory transportFactory;
    private final Drops drops;
    private final List<Transport> transports = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private FailureDetector detector;
    /** Whom this node heard when, relayed on every beat when beats go to a few peers each (a large cluster). */
    private Relays relays;
    private Membership membership;
    private HeartbeatSender sender;
    /** The keys heartbeats and the control port accept, and the one they send with (two during a rotation). */
    private final dev.vigil.config.KeyRing keyRing;
    private final KeyRotation keyRotation;
    private ControlServer control;
    /** The control port on the cluster network; absent when disabled or when it could not be bound. */
    private java.util.Optional<dev.vigil.control.TcpControlServer> controlTcp = java.util.Optional.empty();
    private dev.vigil.control.EventBus events;
    /** Operations, fences and the event log, kept in the state directory across restarts (issue 18). */
    private dev.vigil.coordination.ClusterHistory history;
    /** Drill reports kept for the cluster (docs/drills.md, "Reports in the cluster"). */
    private dev.vigil.control.DrillReportShelf drillReports;
    /** The coordination snapshot the last resource events were computed from; coordination thread only. */
    private dev.vigil.coordination.CoordinationStatus lastCoordinationStatus;
    private Thread detectorThread;
    private dev.vigil.coordination.ConfigDistribution distribution;
    /** Benchmark-only garbage generator; empty unless {@link AllocationPressure#ENV} is set. */
    private java.util.Optional<AllocationPressure> allocationPressure = java.util.Optional.empty();
    /** Detector ticks that came late enough to suggest this process stalled. */
    private final java.util.concurrent.atomic.AtomicLong stalls = new java.util.concurrent.atomic.AtomicLong();
    private volatile MembershipView currentView;
    /** Resource management; absent for a heartbeat-only cluster (a file without resources). */
    private java.util.Optional<ResourceManagement> resources = java.util.Optional.empty();
    private volatile boolean running;
    private long incarnation;
    /** The cluster file's alerts (docs/alerts.md), and which of them this node sends. */
    private dev.vigil.alerts.Alerts alerts;
    private AlertRouting alertRouting;
    /** The Prometheus endpoint; absent unless the cluster file has {@code metrics:} (docs/metrics.md). */
    private java.util.Optional<dev.vigil.metrics.AgentMetrics> metrics = java.util.Optional.empty();
    /** Self-fencing by a watchdog device; absent unless the cluster file has {@code watchdog:} (docs/fencing.md). */
    private java.util.Optional<dev.vigil.watchdog.WatchdogPetter> watchdog = java.util.Optional.empty();

    /**
     * @param clock a monotonic clock for all timeouts (tests may pass a fake one)
     */
    public Agent(ClusterConfig config, AgentOptions options, Clock clock, TransportFactory transportFactory) {
        this.config = config;
        this.options = options;
        this.clock = clock;
        this.transportFactory = transportFactory;
        this.drops = new Drops(clock, Duration.ofSeconds(10));
        this.keyRing = new dev.vigil.config.KeyRing(config.keyFile(), config.key());
        this.keyRotation = new KeyRotation(options.node(), config, keyRing,
                () -> currentView.members().keySet(), k -> sender.rekey(k), config.timing().keepalive().multipliedBy(2));
    }

    /** {@code vigil key rotate} and its steps (docs/security.md). */
    @Override
    public dev.vigil.control.KeyReport key(String verb, String text) throws Refused {
        return keyRotation.handle(verb, text);
    }

    public synchronized void start() throws IOException {
        String self = options.node();
        incarnation = IncarnationStore.next(options.stateDir(), Clock.systemUTC());
        var votes = config.nodes().stream().collect(Collectors.toMap(NodeConfig::name, NodeConfig::votes));
        // Before the distribution, which may adopt a newer file from the state directory at once.
        alerts = new dev.vigil.alerts.Alerts(config.cluster(), self, config.resources().alerts(),
                n -> config.nodeNames().indexOf(n) + 1);
        alertRouting = new AlertRouting(self, config.nodeNames(), config.resources(), Clock.systemUTC(), alerts::fire,
                n -> alerts.notify(n.resource().id(), n.resource().notifyCommands().orElseThrow(), n.state()));
        distribution = new dev.vigil.coordination.ConfigDistribution(self, options.stateDir(), config, this::adopt);
        distribution.keysInUse(keyRing::accepted);
        membership = new Membership(self, incarnation, votes);
        currentView = membership.view();
        events = new dev.vigil.control.EventBus(Clock.systemUTC(), this::status,
                dev.vigil.control.EventBus.DEFAULT_STATUS_INTERVAL, dev.vigil.control.EventBus.DEFAULT_QUEUE_CAPACITY);
        history = dev.vigil.coordination.ClusterHistory.open(self, options.stateDir());
        drillReports = new dev.vigil.control.DrillReportShelf(options.stateDir().resolve("drill-reports"), Clock.systemUTC());
        events.journal(history::event);
        if (config.metrics().enabled()) {
            metrics = java.util.Optional.of(new dev.vigil.metrics.AgentMetrics(config, self, this::status));
            history.tap(metrics.get().historyTap());
        }
        events.publish(dev.vigil.control.ControlEvent.Kind.MEMBERSHIP, self,
                "agent on " + self + " started (incarnation " + incarnation + ")");
        membership.addListener((event, view) -> {
            currentView = view;
            distribution.onView(view.members().keySet());
            MembershipLog.log(LOG, event, view, config.timing().warntime());
            events.publish(dev.vigil.control.ControlEvent.Kind.MEMBERSHIP, event.node(), MembershipLog.message(event, view));
            alertRouting.onMembership(event, view);
            metrics.ifPresent(m -> m.onMembership(event));
        });
        if (!config.resources().resources().isEmpty()) {
            resources = java.util.Optional.of(new ResourceManagement(config, options, incarnation, clock,
                    () -> sender, history));
            var coordination = resources.get().coordination();
            membership.addListener(coordination::onMembership);
            resources.get().arbitrator().ifPresent(a -> membership.addListener((e, v) -> a.membership(v.members().keySet())));
            lastCoordinationStatus = coordination.status();
            coordination.onStatusChange(this::onCoordinationStatus);
        }
        try {
            watchdog = WatchdogWiring.create(config, self, resources, () -> sender, clock);
        } catch (IOException e) {
            close();
            throw e;
        }

        var linksByPeer = new LinkedHashMap<String, List<FailureDetector.LinkRef>>();
        for (var peer : config.peersOf(self)) {
            linksByPeer.put(peer.name(), config.links().stream()
                    .filter(l -> l.connects(self, peer.name()))
                    .map(l -> new FailureDetector.LinkRef(l.index(), l.name()))
                    .toList());
        }
        detector = new FailureDetector(config.timing(), linksByPeer, clock.instant());
        relays = new Relays(config, self, linksByPeer.size());

        var verifier = new PacketVerifier(self, linksByPeer.keySet());
        var receiver = new HeartbeatReceiver(keyRing::accepted, config.cluster(), self, incarnation, verifier, drops,
                this::onPacket);
        try {
            for (LinkConfig link : config.linksOf(self)) {
                var transport = transportFactory.create(config, self, link, drops);
                transport.start(receiver);
                transports.add(transport);
            }
            control = new ControlServer(options.socket(), this, events, drops);
            control.start();
            startControlPort();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }

        running = true;
        warmUpCodec(self);
        sender = new HeartbeatSender(config.cluster(), keyRing.sending(), config.encrypt(), self, incarnation, distribution::version,
                config.timing().keepalive(), transports, () -> currentView);
        sender.attach(this::cargo);
        sender.start();
        resources.ifPresent(ResourceManagement::start);
        watchdog.ifPresent(dev.vigil.watchdog.WatchdogPetter::start);
        // After the sender exists: a scrape reads its counters.
        metrics.ifPresent(m -> m.serve(config.metrics().bindAddress(config.node(self).orElseThrow().address())));
        // Everything above can take seconds on a loaded machine: initdead counts from here.
        detector.beginWatching(clock.instant());
        detectorThread = new Thread(this::detectorLoop, "vigil-detector");
        detectorThread.setDaemon(true);
        detectorThread.start();
        if (options.realtime()) {
            RealtimePriority.promote(RealtimePriority::isTimingCritical);
        }
        allocationPressure = AllocationPressure.startFromEnvironment();
        LOG.info("node {} of cluster {} started: incarnation {}, timing {} (keepalive {}, warntime {}, deadtime {}, initdead {}), links {}",
                self, config.cluster(), incarnation, config.timingPreset().configName(),
                Durations.format(config.timing().keepalive()), Durations.format(config.timing().warntime()),
                Durations.format(config.timing().deadtime()), Durations.format(config.timing().initdead()), transports.stream().map(Transport::linkName).toList());
    }

    /**
     * The console's way in. A port that cannot be bound (taken, or the node's address is not on
     * this host) costs the console its access, not the node its place in the cluster: the agent
     * says so loudly and runs on, reachable through its Unix socket.
     */
    private void startControlPort() {
        var port = config.control();
        if (!port.enabled()) {
            LOG.info("control port disabled in {} (control: {enabled: false}); only the local socket serves", config.source());
            return;
        }
        var address = new java.net.InetSocketAddress(config.node(options.node()).orElseThrow().address(), port.port());
        var server = new dev.vigil.control.TcpControlServer(address, keyRing::accepted, this, events, drops);
        try {
            server.start();
            controlTcp = java.util.Optional.of(server);
        } catch (IOException e) {
            LOG.error("{}; the console and `vigil --connect` cannot reach node {} (its local socket {} works)",
                    e.getMessage(), options.node(), options.socket());
        }
    }

    /** On the coordination thread, whenever its snapshot changed: resource, quorum and coordinator events. */
    private void onCoordinationStatus(dev.vigil.coordination.CoordinationStatus now) {
        var before = lastCoordinationStatus;
        lastCoordinationStatus = now;
        metrics.ifPresent(m -> m.onCoordinationStatus(before, now));
        for (var change : StatusChanges.between(before, now)) {
            events.publish(change.kind(), change.node(), change.message());
        }
        alertRouting.onCoordination(before, now);
        events.changed();
    }

    /** Encode/decode rounds before the first beat; about 20 ms of work. */
    private static final int WARM_UP_ROUNDS = 2_000;

    /**
     * Runs the packet path (encode, HMAC, decode) until the JIT has compiled it, before the first
     * heartbeat goes out. Otherwise a freshly started agent's first beats, interpreted and loading
     * classes, can come later than the fastest presets' deadtime, and the peers declare a node
     * dead that has only just joined (measured at the instant preset).
     */
    private void warmUpCodec(String self) {
        var codec = new dev.vigil.heartbeat.PacketCodec(config.key(), config.cluster(), config.encrypt());
        var packet = new HeartbeatPacket(MessageType.HEARTBEAT, config.cluster(), self, 1, 1, 0, 1, 1, List.of(self),
                List.of(new dev.vigil.heartbeat.Extension(dev.vigil.heartbeat.ExtensionTypes.EXPERIMENTAL, new byte[256])));
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            codec.decode(codec.encode(packet));
        }
    }

    /** The detector sleeps until the next deadline, but at least this often checks anyway. */
    private static final Duration DETECTOR_MAX_SLEEP = Duration.ofSeconds(1);
    /**
     * ... and sleeps at least this long. A deadline is always after the tick that computed it
     * ({@code FailureDetectorDeadlineTest}); should one ever not be, this real-time thread wakes
     * 1000 times a second instead of spinning at 100 % of a core above every normal thread and
     * level with the other agents' heartbeat threads (it once did, and caused false deaths).
     * A millisecond is 5 % of the shortest deadtime (instant's 20 ms).
     */
    private static final Duration DETECTOR_MIN_SLEEP = Duration.ofMillis(1);

    private void detectorLoop() {
        var keepalive = config.timing().keepalive();
        // How late a wake-up may be before we suspect this whole process stalled, and how long
        // we then give the receivers to read the heartbeats that queued up meanwhile.
        var stallThreshold = keepalive.dividedBy(2);
        var drainGrace = max(keepalive.dividedBy(4), Duration.ofMillis(5));
        Instant plannedWake = clock.instant();
        boolean skippedLast = false;
        while (running) {
            var now = clock.instant();
            boolean wokeLate = Duration.between(plannedWake, now).compareTo(stallThreshold) > 0;
            Duration sleep;
            if (wokeLate && !skippedLast) {
                // Judging now would kill peers whose heartbeats sit unread in socket buffers.
                skippedLast = true;
                stalls.incrementAndGet();
                var stalled = Duration.between(plannedWake, now);
                resources.ifPresent(r -> r.coordination().onStall(stalled));
                sleep = drainGrace;
            } else {
                skippedLast = false;
                synchronized (this) {
                    if (!running) return;
                    handle(detector.tick(now));
                    sleep = detector.nextDeadline()
                            .map(deadline -> Duration.between(clock.instant(), deadline))
                            .orElse(DETECTOR_MAX_SLEEP);
                }
                sleep = max(min(sleep, DETECTOR_MAX_SLEEP), DETECTOR_MIN_SLEEP);
            }
            plannedWake = clock.instant().plus(sleep);
            LockSupport.parkNanos(sleep.toNanos());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private void onPacket(HeartbeatPacket packet, int link) {
        synchronized (this) {
            if (!running) return;
            noticeConfigVersion(packet);
            var now = clock.instant();
            var events = packet.type() == MessageType.LEAVE
                    ? detector.onLeave(packet.sender(), packet.incarnation(), now)
                    : detector.onHeartbeat(packet.sender(), link, packet.incarnation(), now);
            if (packet.type() != MessageType.LEAVE) {
                relays.heard(packet, link, now, detector, events);
            }
            handle(events);
            // After the membership events: a restarted peer's first report belongs to its new life.
            if (!packet.extensions().isEmpty()) {
                resources.ifPresent(r -> r.coordination().onExtensions(packet.sender(), packet.extensions()));
            }
            if (!events.isEmpty()) {
                // A state change can bring the next deadline forward: let the detector re-plan.
                LockSupport.unpark(detectorThread);
            }
        }
    }

    /**
     * What rides on each heartbeat: in a large cluster first whom this node heard when (the beat
     * must never lose it, and extensions that do not fit are dropped from the end), then the
     * resource report and directive, and a config chunk while a peer lags.
     */
    private List<dev.vigil.heartbeat.Extension> cargo() {
        var chunk = distribution.nextChunk();
        List<dev.vigil.heartbeat.Extension> coordination = resources.map(r -> r.coordination().outgoing()).orElse(List.of());
        var all = new ArrayList<dev.vigil.heartbeat.Extension>();
        relays.extension(clock.instant()).ifPresent(all::add);
        all.addAll(coordination);
        all.add(distribution.digestExtension());
        chunk.ifPresent(all::add);
        return all;
    }

    private void noticeConfigVersion(HeartbeatPacket packet) {
        distribution.onPeerVersion(packet.sender(), packet.configVersion());
        for (var e : packet.extensions()) {
            if (e.type() == dev.vigil.heartbeat.ExtensionTypes.CONFIG_CHUNK) {
                distribution.onChunk(packet.sender(), e);
            } else if (e.type() == dev.vigil.heartbeat.ExtensionTypes.CONFIG_DIGEST) {
                distribution.onPeerDigest(packet.sender(), e);
            }
        }
    }

    /**
     * A newer cluster file arrived or was applied. The policy half takes effect at once; the
     * transport half (nodes, links, timing, key) only when the agent restarts, because changing
     * them under running heartbeats could cut this node off.
     */
    private void adopt(ClusterConfig newConfig) {
        resources.ifPresent(r -> r.reconfigure(newConfig));
        alerts.reconfigure(newConfig.resources().alerts());
        alertRouting.reconfigure(newConfig.resources());
        if (sender != null) sender.encrypt(newConfig.encrypt()); // receivers read both forms: no gap
        events.publish(dev.vigil.control.ControlEvent.Kind.CONFIG, options.node(),
                "configuration version " + newConfig.version() + " adopted");
        boolean transportChanged = !newConfig.cluster().equals(config.cluster()) || !newConfig.nodes().equals(config.nodes())
                || !newConfig.links().equals(config.links()) || !newConfig.timing().equals(config.timing())
                || !keyRing.accepted().contains(newConfig.key()) || !newConfig.control().equals(config.control())
                || !newConfig.metrics().equals(config.metrics());
        if (transportChanged) {
            LOG.warn("configuration version {} changes nodes, links, timing, the key, the control port or metrics: those take effect when this agent restarts",
                    newConfig.version());
        }
        if (resources.isEmpty() && !newConfig.resources().resources().isEmpty()) {
            LOG.warn("configuration version {} adds resources to a cluster that had none: restart this agent to manage them",
                    newConfig.version());
        }
    }

    @Override
    public String runningConfig() {
        return distribution.current().text();
    }

    /** {@code vigil config apply}: adopt here, then wait (bounded) until every member runs it. */
    @Override
    public dev.vigil.control.ControlProtocol.AdminOutcome applyConfig(String text) {
        var outcome = applyConfigAndWait(text);
        events.publish(dev.vigil.control.ControlEvent.Kind.CONFIG, options.node(),
                "config apply " + (outcome.ok() ? "done: " : "failed: ") + outcome.message());
        if (outcome.ok()) {
            // Told by the node it was applied on: exactly one per apply.
            alerts.fire(new dev.vigil.alerts.AlertEvent(dev.vigil.config.AlertTopic.CONFIG_APPLIED, Clock.systemUTC().instant(),
                    options.node(), null, null, 0, "configuration version " + distribution.version() + " applied: "
                    + outcome.message(), java.util.Map.of("version", Long.toString(distribution.version()))));
        }
        return outcome;
    }

    private dev.vigil.control.ControlProtocol.AdminOutcome applyConfigAndWait(String text) {
        var result = distribution.apply(text);
        if (!result.adopted()) {
            return new dev.vigil.control.ControlProtocol.AdminOutcome(false, result.message());
        }
        var spread = dev.vigil.coordination.ConfigDistribution.awaitSpread(distribution, result, CONFIG_SPREAD_TIMEOUT);
        var missing = config.nodeNames().stream().filter(n -> !currentView.members().containsKey(n)).toList();
        var outcome = dev.vigil.coordination.ConfigDistribution.applyOutcome(result, spread, missing);
        return new dev.vigil.control.ControlProtocol.AdminOutcome(outcome.ok(), outcome.message());
    }

    private static final Duration CONFIG_SPREAD_TIMEOUT = Duration.ofSeconds(30);

    private void handle(List<DetectorEvent> events) {
        if (events.isEmpty()) return;
        for (var e : events) {
            if (e instanceof DetectorEvent.LinkChanged l) {
                // heartbeat's wording, which operators grep for.
                if (l.to() == LinkState.DOWN) {
                    LOG.warn("link {} {} dead", l.peer(), l.linkName());
                } else {
                    LOG.info("link {} {} up", l.peer(), l.linkName());
                }
            }
        }
        membership.apply(events);
    }

    public Membership membership() {
        return membership;
    }

    @Override
    public dev.vigil.control.DrillReportShelf drillReports() {
        return drillReports;
    }

    @Override
    public dev.vigil.control.HistoryReport history() {
        return history == null ? null : history.snapshot();
    }

    /** The setup wizard's serial link test; never on a configured link's device (read once: links change only by restart). */
    private final dev.vigil.transport.serial.SerialLinkTestService serialTests =
            new dev.vigil.transport.serial.SerialLinkTestService(this::serialLinkDevices);

    private java.util.Set<String> serialLinkDevices() {
        return config.linksOf(options.node()).stream().filter(l -> l instanceof LinkConfig.Serial)
                .map(l -> ((LinkConfig.Serial) l).deviceByNode().get(options.node())).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
    }

    @Override
    public String attribute(String verb, List<String> args) throws Refused {
        return AttributeOp.answer(resources.map(r -> r.coordination().attributes()),
                resources.map(r -> r.coordination().transientAttributes()).orElse(Map.of()), options.node(),
                Clock.systemUTC(), verb, args);
    }

    @Override
    public dev.vigil.control.SerialTestReport serialTest(String verb, List<String> args) throws Refused {
        return dev.vigil.control.SerialTestOp.answer(serialTests, verb, args);
    }

    @Override
    public StatusReport status() {
        var now = clock.instant();
        MembershipView view;
        List<dev.vigil.detection.PeerStatus> peers;
        synchronized (this) {
            view = membership.view();
            peers = detector.statuses(now);
        }
        Map<String, dev.vigil.detection.PeerStatus> byName = new LinkedHashMap<>();
        peers.forEach(p -> byName.put(p.name(), p));
        var nodes = new ArrayList<StatusReport.NodeReport>();
        for (var n : config.nodes()) {
            if (n.name().equals(options.node())) {
                nodes.add(new StatusReport.NodeReport(n.name(), "alive", true, incarnation, null, List.of()));
                continue;
            }
            var p = byName.get(n.name());
            var links = p.links().stream()
                    .map(l -> new StatusReport.LinkReport(l.linkName(), l.link(), l.state().key(),
                            l.sinceLastHeard().map(Duration::toMillis).orElse(null)))
                    .toList();
            nodes.add(new StatusReport.NodeReport(n.name(), p.state().key(), false, p.incarnation(),
                    p.sinceLastHeard().map(Duration::toMillis).orElse(null), links));
        }
        var t = config.timing();
        var quorum = membership.quorumInputs();
        return new StatusReport(config.cluster(), options.node(), incarnation, view.number(),
                List.copyOf(view.members().keySet()), distribution.version(),
                new StatusReport.TimingReport(config.timingPreset().configName(), t.keepalive().toMillis(),
                        t.warntime().toMillis(), t.deadtime().toMillis(), t.initdead().toMillis()),
                new StatusReport.VotesReport(quorum.presentVotes(), quorum.totalVotes()),
                nodes, drops.snapshot(),
                new StatusReport.SenderReport(sender.sent(), sender.slips(), sender.maxSlip().toMillis(), stalls.get()),
                resources.map(r -> ResourceStatusReports.of(distribution.current(), r.coordination().status(),
                        r.coordination().attributes().view(r.coordination().transientAttributes()))).orElse(null),
                alerts.counters(),
                resources.flatMap(ResourceManagement::arbitrator).map(a -> ArbitratorStatus.of(a, config.totalVotes(),
                        view.members().keySet(), config.nodeNames(), clock.instant())).orElse(null),
                watchdog.map(WatchdogWiring::report).orElse(null));
    }

    @Override
    public dev.vigil.control.ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
        if (resources.isEmpty()) {
            return new dev.vigil.control.ControlProtocol.AdminOutcome(false,
                    "the cluster file of " + options.node() + " has no resources to manage");
        }
        String request = String.join(" ", java.util.stream.Stream.concat(java.util.stream.Stream.of(verb), args.stream()).toList());
        events.publish(dev.vigil.control.ControlEvent.Kind.OPERATOR, options.node(), "operator request on "
                + options.node() + ": " + request);
        dev.vigil.control.ControlProtocol.AdminOutcome outcome;
        try {
            var reply = resources.get().coordination().request(verb, args).join();
            outcome = new dev.vigil.control.ControlProtocol.AdminOutcome(reply.ok(), reply.message());
        } catch (java.util.concurrent.CompletionException e) {
            outcome = new dev.vigil.control.ControlProtocol.AdminOutcome(false, "no answer from the coordinator: "
                    + (e.getCause() instanceof java.util.concurrent.TimeoutException ? "timed out" : e.getCause()));
        }
        events.publish(dev.vigil.control.ControlEvent.Kind.OPERATOR, options.node(),
                request + (outcome.ok() ? ": done: " : ": failed: ") + outcome.message());
        return outcome;
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Leaves the cluster politely (peers see "left" at once), then releases everything. */
    @Override
    public void close() {
        synchronized (this) {
            if (!running && stopped.getCount() == 0) return;
            running = false;
        }
        // Like heartbeat's shutdown: release the resources first, then leave, so a peer can take
        // them over at once instead of after a deadtime.
        if (events != null) {
            events.publish(dev.vigil.control.ControlEvent.Kind.MEMBERSHIP, options.node(),
                    "agent on " + options.node() + " stopping");
        }
        resources.ifPresent(ResourceManagement::stopAll);
        if (sender != null) {
            sender.leave(3, Duration.ofMillis(5));
            LOG.info("node {} leaving the cluster", options.node());
        }
        watchdog.ifPresent(dev.vigil.watchdog.WatchdogPetter::close); // resources stopped, cluster told: disarm
        allocationPressure.ifPresent(AllocationPressure::stop);
        resources.ifPresent(ResourceManagement::close);
        if (detectorThread != null) {
            LockSupport.unpark(detectorThread);
        }
        controlTcp.ifPresent(dev.vigil.control.TcpControlServer::close);
        metrics.ifPresent(dev.vigil.metrics.AgentMetrics::close);
        if (events != null) {
            events.close();
        }
        if (control != null) {
            control.close();
        }
        transports.forEach(Transport::close);
        if (history != null) {
            history.close(); // writes the last events (this node leaving) now, not a second later
        }
        if (alerts != null) {
            alerts.close();
        }
        stopped.countDown();
    }
}
