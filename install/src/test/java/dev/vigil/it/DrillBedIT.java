package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.PhaseTime;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import dev.vigil.drill.report.ReportStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Drills for real: `vigil drill run` (the launcher) from the HA bed's client namespace — the
 * operator's machine, which reaches the agents' TCP control ports and the floating IP like any
 * client — against real agents and apache on the bed's nodes: a switchover, then a node crash (its
 * fence device reboots it; the drill's restore hook starts its agent again). Each report's
 * verdict, client gap, phases and timeline are checked, with bounds from the cluster's timing
 * ({@code fast}: deadtime 250 ms) and the configured timeouts, never from this machine's speed.
 * Needs root, apache2 and the bed's tools.
 */
@Tag("integration")
// Alone, after the other classes (docs/testing.md): its two probers keep 2 ms grids and must agree
// within the 10 ms, which another bed's load on the same two cores can break.
@Isolated
class DrillBedIT {
    private static final Timing TIMING = TimingPreset.FAST.timing();
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20); // BedCluster's devices
    /** Room for a loaded machine around decisions the agents make on their real-time threads. */
    private static final Duration DECISION_SLACK = Duration.ofSeconds(1);
    /** A move: the group's three stops on the old node, then its three starts, each within its timeout. */
    private static final Duration SWITCHOVER_BOUND = ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(6);
    /** A takeover: detection (a young peer gets the joining deadtime), the fence, then the three starts. */
    private static final Duration TAKEOVER_BOUND = Timing.JOINING_DEADTIME.plus(TIMING.keepalive()).plus(DECISION_SLACK)
            .plus(FENCE_TIMEOUT).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(3));
    /** Apache killed: its monitor (every 2 s, 20 s timeout) notices, then a stop and a start, each within its timeout. */
    private static final Duration RESOURCE_FAILURE_BOUND = Duration.ofSeconds(2).plus(Duration.ofSeconds(20))
            .plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(2));
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /**
     * A bound against a hung browser, not a speed: Chromium's start (a dozen processes) took over
     * 20 s once at a load of ~19 from other builds, for a 150 KB page it renders in milliseconds.
     */
    private static final Duration CHROMIUM_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The drill's page probe in the first case: the shortest interval a drill allows, on kept-alive
     * connections (the default, `reuse: true`), against apache with KeepAlive On.
     */
    private static final Duration DRILL_PROBE = Duration.ofMillis(2);
    /** The independent prober beside it: a fresh connection per GET, what a new client sees. */
    private static final Duration INDEPENDENT_PROBE = Duration.ofMillis(2);
    /**
     * How far the report's gap and the independent prober's may differ: the 10 ms. Both
     * measure the same way (the end of the last answer before the outage to the end of the first
     * after it), and each sees each edge up to one of its intervals late, so each measures the real
     * gap plus [0, 2 intervals): while both keep their 2 ms grids the difference lies within
     * (-4, +4) ms, plus the difference of the two answers' own durations (under a millisecond on
     * the bed). The rest of the 10 ms is room for a prober woken a few ms late at an edge on a
     * loaded machine; how late each was at each edge is logged.
     */
    private static final Duration GAP_AGREEMENT = Duration.ofMillis(10);

    private static final String WEB = """
            cluster: drills
            auth: {keyfile: KEYFILE}
            timing: {preset: fast}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: data, agent: "ocf:vigil:Filesystem", params: {device: ${DISK}, directory: ${MOUNT}, fstype: ext4}}
              - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}}
              - {id: web,  agent: "ocf:vigil:apache", params: {configfile: ${NODE_APACHE_CONF}},
                 monitor: {interval: 2s, timeout: 20s}}
            groups:
              - {id: www, members: [data, vip, web], prefer: ha1}
            policy: {auto_failback: false, no_quorum: stop}
            ${FENCING}
            """;

    private BedCluster cluster;
    private Path workDir;
    private Path logDir;

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping drills on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("vdr");
        logDir = Path.of("target/drill-it").toAbsolutePath();
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (cluster != null) {
                cluster.closeLeavingNothing();
            }
        } finally {
            if (workDir != null) {
                keep();
                BedCluster.deleteTree(workDir);
            }
        }
    }

    @Test
    void aSwitchoverAndANodeCrashRunForRealAndReportTheGapPhasesAndVerdict() throws Exception {
        cluster = BedCluster.create(2, workDir, WEB);
        var bed = cluster.bed();
        keepAliveOn(bed);
        cluster.startAll();
        await("the page from ha1").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.servedBy(Duration.ofMillis(500)).orElse(""), "ha1"::equals);
        await("the cluster settled").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.status("ha1").filter(s -> s.members().size() == 2 && s.resources() != null
                        && s.resources().pending().isEmpty() && (s.resources().waitingFor() == null
                        || s.resources().waitingFor().isEmpty())).isPresent());

        var drills = Files.writeString(workDir.resolve("drills.yaml"), """
                drills:
                  - name: switchover
                    kind: switchover
                    target: www
                    to: ha2
                    probes: [{name: page, http: "http://%1$s/", interval: %5$dms, timeout: 500ms},
                             {name: from-ha1, http: "http://%1$s/", interval: 50ms, timeout: 500ms, vantage: ha1}]
                    expect: {service_back_within: %2$dms, resources: {www: ha2}, single_holder: [vip], fenced: false}
                    limits: {budget: 5m, settle: 3m}
                  - name: ha2-crash
                    kind: node-crash
                    target: ha2
                    probes: [{name: page, http: "http://%1$s/", interval: %5$dms, timeout: 500ms},
                             {name: port, tcp: "%1$s:80", interval: 50ms, timeout: 500ms}]
                    expect: {service_back_within: %3$dms, resources: {www: ha1}, single_holder: [vip], fenced: true}
                    limits: {budget: 5m, settle: 3m}
                    inject:
                      method: fence
                      restore: "%4$s"
                      timeout: 30s
                """.formatted(bed.vip(), SWITCHOVER_BOUND.toMillis(), TAKEOVER_BOUND.toMillis(), restartCommand("ha2"),
                DRILL_PROBE.toMillis()));

        // ---- a planned switchover: the admin move, then the rule cleared
        var switchover = drillBesideIndependentProber(drills, "switchover");
        log("switchover: %s, gap %d ms, phases %s", switchover.verdict(), switchover.gapMs(), switchover.phases());
        assertThat(switchover.verdict()).as(switchover.reason()).isEqualTo("pass");
        assertThat(switchover.injected()).startsWith("vigil resource move www ha2");
        assertThat(switchover.gapMs()).as("the client saw the move (stops, then starts)").isPositive()
                .isLessThanOrEqualTo(SWITCHOVER_BOUND.toMillis());
        assertPhases(switchover);
        assertThat(kinds(switchover.timeline())).contains("inject", "stop", "start", "probe-fail", "probe-ok");
        // The probe from ha1 ran there (`vigil drill probe` in ha1's namespaces), stamped with its clock.
        var fromHa1 = switchover.probes().stream().filter(p -> p.name().equals("from-ha1")).findFirst().orElseThrow();
        log("switchover from ha1: outage %d ms, %s", fromHa1.outageMs(), fromHa1.clock());
        assertThat(fromHa1.vantage()).isEqualTo("ha1");
        assertThat(fromHa1.clock()).startsWith("from ha1, stamped with its monotonic clock");
        assertThat(fromHa1.back()).isTrue();
        assertThat(fromHa1.outageMs()).as("ha1 saw the move too").isPositive().isLessThanOrEqualTo(SWITCHOVER_BOUND.toMillis());
        assertThat(fromHa1.samples()).anyMatch(x -> x.ok() && x.detail().contains("node=ha2"));
        assertThat(switchover.restore()).extracting(s -> s.what() + ": " + s.ok()).containsExactly(
                "move/ban rule on www cleared: true",
                "every node online and the cluster settled: true");
        assertThat(cluster.runningOn("ha1", "web")).containsExactly("ha2");
        assertThat(cluster.status("ha1").orElseThrow().resources().constraints()).as("the move rule, cleared").isEmpty();

        // ---- ha2 (where www now runs) crashes: its fence device reboots it; ha1 fences it and takes over
        var crash = drillBesideIndependentProber(drills, "ha2-crash");
        log("ha2 crash: %s, gap %d ms, phases %s", crash.verdict(), crash.gapMs(), crash.phases());
        crash.timeline().forEach(t -> log("  %+6d ms %-10s %-5s %s", t.atMs(), t.kind(), t.source(), t.text()));
        assertThat(crash.verdict()).as(crash.reason()).isEqualTo("pass");
        assertThat(crash.injected()).startsWith("ha2 rebooted through fence device power-ha2");
        // Nobody serves until ha1 has heard nothing from ha2 for a deadtime: the client's gap cannot be shorter.
        assertThat(crash.gapMs()).isGreaterThanOrEqualTo(TIMING.deadtime().toMillis())
                .isLessThanOrEqualTo(TAKEOVER_BOUND.toMillis());
        assertThat(crash.probes()).hasSize(2).allSatisfy(p -> assertThat(p.back()).isTrue());
        assertPhases(crash);
        var detection = first(crash.timeline(), "detection", "ha1");
        var start = crash.timeline().stream().filter(t -> t.kind().equals("start") && t.text().startsWith("web started on ha1"))
                .findFirst().orElseThrow(() -> new AssertionError("no start of web on ha1 in " + crash.timeline()));
        var vipStart = crash.timeline().stream().filter(t -> t.kind().equals("start") && t.text().startsWith("vip started on ha1"))
                .findFirst().orElseThrow(() -> new AssertionError("no start of vip on ha1 in " + crash.timeline()));
        var firstAnswer = crash.timeline().stream().filter(t -> t.kind().equals("probe-ok")).mapToLong(TimelineEntry::atMs).max().orElseThrow();
        assertThat(detection.atMs()).as("ha1 declared ha2 dead within deadtime of the reboot (+ a keepalive and slack)")
                .isLessThan(Timing.JOINING_DEADTIME.plus(TIMING.keepalive()).plus(DECISION_SLACK).plus(FENCE_TIMEOUT).toMillis());
        assertThat(kinds(crash.timeline())).contains("fencing");
        assertThat(detection.atMs()).isLessThanOrEqualTo(start.atMs());
        // The agents' clocks and this machine's are one here (one kernel), so their order holds to the ms.
        // A start is on the timeline when its operation ends: apache answers before its agent's start
        // returns (it waits for the server's status), but it is started only after the VIP's start ended.
        assertThat(vipStart.atMs()).isLessThanOrEqualTo(firstAnswer + 1);
        assertThat(start.atMs()).isGreaterThanOrEqualTo(vipStart.atMs());
        log("heartbeat slips during the crash drill: %s", crash.heartbeatSlips());
        assertThat(crash.heartbeatSlips()).as("the survivor's agent was counted").containsKey("ha1");
        assertThat(crash.restore()).extracting(s -> s.what() + ": " + s.ok()).containsExactly(
                "ha2's agent restarted: true", "every node online and the cluster settled: true");
        assertThat(cluster.status("ha1").orElseThrow().members()).containsExactly("ha1", "ha2");
        assertThat(bed.vipHolders()).containsExactly("ha1");

        // The kept history has both, and the HTML page has its timeline.
        var store = new ReportStore(workDir.resolve("drill-state"));
        assertThat(store.ids()).containsExactly(switchover.id(), crash.id());
        var html = workDir.resolve("crash.html");
        var r = HaBed.run(List.of(VigilHome.launcher().toString(), "drill", "report", crash.id(), "--html", html.toString(),
                "--state-dir", store.dir().toString()), Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(Files.readString(html)).contains("<svg id=\"timeline\"").contains("class=\"event detection\"").contains("PASS");
        // And in a real browser (HtmlReportBrowserTest checks the pixels of a made-up report): the
        // DOM Chromium builds from this real one has the timeline with its marks.
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            var dom = HaBed.run(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--user-data-dir=" + Files.createTempDirectory(workDir, "chromium"), "--host-resolver-rules=MAP * ~NOTFOUND",
                    "--dump-dom", html.toUri().toString()), CHROMIUM_TIMEOUT);
            assertThat(dom.exit()).as(dom.all()).isZero();
            assertThat(dom.all()).contains("<svg id=\"timeline\"").contains("class=\"event inject\"")
                    .contains("class=\"event detection\"").contains("class=\"event fencing\"").contains("class=\"event start\"")
                    .contains("first answer +").contains("id=\"verdict\">PASS</p>").contains("<td>restore</td>");
        }
    }

    /**
     * A fence drill (issue 12): the operator's fence request, which ha1 (the coordinator) carries out
     * through ha2's device, fence_vigil_netns; ha2 is idle, so the service never stops. The fence must
     * be in the cluster's history, and both agents keep the report.
     */
    @Test
    void aFenceDrillFencesANodeThroughItsDeviceAndTheClusterRecordsIt() throws Exception {
        cluster = BedCluster.create(2, workDir, WEB);
        var bed = cluster.bed();
        cluster.startAll();
        awaitSettledServedBy("ha1");
        var drills = file("ha2-fence", """
                    kind: fence
                    target: ha2
                    probes: [{name: page, http: "http://%1$s/", interval: 50ms, timeout: 500ms}]
                    expect: {resources: {www: ha1}, single_holder: [vip], fenced: true}
                    limits: {budget: 5m, settle: 3m}
                    inject: {restore: "%2$s", timeout: 30s}
                """.formatted(bed.vip(), restartCommand("ha2")));

        var fence = drill(drills, "ha2-fence");
        log("ha2 fence: %s (%s), gap %d ms", fence.verdict(), fence.reason(), fence.gapMs());
        fence.timeline().forEach(t -> log("  %+6d ms %-10s %-5s %s", t.atMs(), t.kind(), t.source(), t.text()));
        assertThat(fence.verdict()).as(fence.reason()).isEqualTo("pass");
        assertThat(fence.injected()).startsWith("vigil node fence ha2: ha2 fenced (reboot) by ha1");
        assertThat(fence.expectations()).filteredOn(e -> e.name().equals("fence in the cluster's history"))
                .singleElement().satisfies(e -> assertThat(e.detail()).startsWith("reboot by ha1 at +"));
        assertThat(fence.preconditions()).extracting(DrillReport.Check::name).contains("no other drill in the cluster");
        assertThat(fence.restore()).extracting(s -> s.what() + ": " + s.ok()).containsExactly(
                "ha2 back online: true", "every node online and the cluster settled: true");
        assertThat(cluster.status("ha1").orElseThrow().members()).containsExactly("ha1", "ha2");
        assertThat(cluster.status("ha1").orElseThrow().resources().drill()).as("the cluster's drill lock, released").isNull();
        assertThat(bed.vipHolders()).containsExactly("ha1");

        // Both agents keep the report: `vigil drill history` through them, without the local state directory.
        var connect = bed.nodes().stream().map(n -> bed.address(n) + ":7695").reduce((a, b) -> a + "," + b).orElseThrow();
        var history = bed.client(Duration.ofSeconds(60), VigilHome.launcher().toString(), "drill", "history",
                "--config", cluster.agents().configFile().toString(), "--connect", connect,
                "--state-dir", workDir.resolve("elsewhere").toString());
        assertThat(history.all()).contains(fence.id()).contains("[ha1 ha2]");
    }

    /**
     * Three nodes, so that a node whose links are cut is a minority and is fenced by the majority
     * (with two, both halves claim the tie). The restore hooks bring a fenced node's agent back
     * only if it is gone, as a service manager would.
     */
    @Test
    void aResourceFailureAFrozenAgentAndACutLinkRunForReal() throws Exception {
        cluster = BedCluster.create(3, workDir, WEB);
        var bed = cluster.bed();
        keepAliveOn(bed);
        cluster.startAll();
        awaitSettledServedBy("ha1");

        // ---- apache killed behind the cluster's back: its monitor notices, the cluster recovers it in place.
        // Its whole process group: a worker left holding port 80 would make the restart there fail
        // (a first run of this drill found that), and the group would move instead.
        var kill = "%s exec %s ha1 -- sh -c 'kill -9 -$(cat %s)'".formatted(HaBed.script(), bed.name(), bed.apachePidFile("ha1"));
        var failure = drill(file("apache-killed", """
                    kind: resource-failure
                    target: web
                    probes: [{name: page, http: "http://%s/", interval: 50ms, timeout: 500ms}]
                    expect: {service_back_within: %dms, resources: {www: ha1}, fenced: false}
                    limits: {budget: 5m, settle: 3m}
                    inject: {command: "%s"}
                """.formatted(bed.vip(), RESOURCE_FAILURE_BOUND.toMillis(), kill.replace("\"", "\\\""))), "apache-killed");
        log("apache killed: %s (%s), gap %d ms", failure.verdict(), failure.reason(), failure.gapMs());
        assertThat(failure.verdict()).as(failure.reason()).isEqualTo("pass");
        assertThat(failure.gapMs()).as("the page was gone until the monitor noticed").isPositive()
                .isLessThanOrEqualTo(RESOURCE_FAILURE_BOUND.toMillis());
        assertThat(kinds(failure.timeline())).contains("failure", "start", "probe-ok");
        assertThat(failure.restore()).extracting(x -> x.what() + ": " + x.ok()).containsExactly(
                "failures of web forgotten: true", "every node online and the cluster settled: true");
        assertThat(cluster.status("ha2").orElseThrow().resources().resources()).allMatch(r -> r.failures().isEmpty());
        assertPhases(failure);

        // ---- ha1's agent frozen for 12 deadtimes: the others fence it; the VIP is never on two nodes
        long ha1Agent = cluster.agents().process("ha1").pid();
        var freeze = drill(file("ha1-frozen", """
                    kind: agent-freeze
                    target: ha1
                    probes: [{name: page, http: "http://%s/", interval: 50ms, timeout: 500ms}]
                    expect: {service_back_within: %dms, single_holder: [vip], fenced: true}
                    limits: {budget: 5m, settle: 3m}
                    inject: {command: "echo %d", duration: %dms, restore: "%s"}
                """.formatted(bed.vip(), TAKEOVER_BOUND.toMillis(), ha1Agent, TIMING.deadtime().multipliedBy(12).toMillis(),
                restartCommand("ha1"))), "ha1-frozen");
        log("ha1 frozen: %s (%s), gap %d ms", freeze.verdict(), freeze.reason(), freeze.gapMs());
        assertThat(freeze.verdict()).as(freeze.reason()).isEqualTo("pass");
        assertThat(freeze.injected()).startsWith("agent PID " + ha1Agent + " stopped (SIGSTOP)");
        assertThat(kinds(freeze.timeline())).contains("detection", "fencing", "undo");
        assertThat(freeze.restore()).extracting(x -> x.what() + ": " + x.ok()).containsExactly(
                "agent PID " + ha1Agent + " continued (SIGCONT): true", "agent restarted (it was fenced): true",
                "every node online and the cluster settled: true");
        assertPhases(freeze);

        // ---- the serving node's heartbeat links cut with nftables: a minority, it is fenced; the majority serves
        // Asked of ha3, which no drill touched (ha1's agent has just started again and may not know yet).
        var serving = cluster.runningOn("ha3", "web");
        assertThat(serving).hasSize(1);
        String victim = serving.get(0);
        long victimAgent = cluster.agents().process(victim).pid();
        var rules = Files.writeString(workDir.resolve("cut.nft"), """
                table inet vigil_drill {
                  chain input { type filter hook input priority 0; policy accept; udp dport 694 drop; }
                  chain output { type filter hook output priority 0; policy accept; udp dport 694 drop; }
                }
                """);
        var cut = drill(file(victim + "-cut-off", """
                    kind: link-cut
                    target: %s
                    probes: [{name: page, http: "http://%s/", interval: 50ms, timeout: 500ms}]
                    expect: {service_back_within: %dms, single_holder: [vip], fenced: true}
                    limits: {budget: 5m, settle: 3m}
                    inject:
                      command: "ip netns exec %s nft -f %s"
                      restore: "ip netns exec %s nft delete table inet vigil_drill; kill -0 %d 2>/dev/null || %s"
                """.formatted(victim, bed.vip(), TAKEOVER_BOUND.toMillis(), bed.namespace(victim), rules, bed.namespace(victim),
                victimAgent, restartCommand(victim))), victim + "-cut-off");
        log("%s cut off: %s (%s), gap %d ms", victim, cut.verdict(), cut.reason(), cut.gapMs());
        cut.timeline().forEach(t -> log("  %+6d ms %-10s %-5s %s", t.atMs(), t.kind(), t.source(), t.text()));
        assertThat(cut.verdict()).as(cut.reason()).isEqualTo("pass");
        assertThat(kinds(cut.timeline())).contains("detection", "fencing", "start");
        assertThat(cut.restore()).extracting(x -> x.what() + ": " + x.ok()).containsExactly(
                "links restored: true", "every node online and the cluster settled: true");
        assertPhases(cut);
        assertThat(cluster.status("ha1").orElseThrow().members()).containsExactly("ha1", "ha2", "ha3");
        assertThat(bed.vipHolders()).hasSize(1).doesNotContain(victim);
    }

    /**
     * apache as Debian ships it, KeepAlive On (100 requests a connection, 5 s idle; the bed's is
     * Off), so that the drill's probe really carries its GETs on kept-alive connections and a stop
     * must end them: the bed's files, in its temporary directory, before any apache starts.
     */
    private static void keepAliveOn(HaBed bed) throws IOException {
        for (var node : bed.nodes()) {
            var conf = bed.apacheConfig(node);
            var text = Files.readString(conf);
            assertThat(text).as("the bed's apache configuration of %s", node).contains("\nKeepAlive Off\n");
            Files.writeString(conf, text.replace("\nKeepAlive Off\n", "\nKeepAlive On\n"));
        }
    }

    private void awaitSettledServedBy(String node) {
        await("the page from " + node).atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.servedBy(Duration.ofMillis(500)).orElse(""), node::equals);
        await("the cluster settled").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.status("ha1").filter(s -> s.members().size() == cluster.bed().nodes().size()
                        && s.resources() != null && s.resources().pending().isEmpty() && (s.resources().waitingFor() == null
                        || s.resources().waitingFor().isEmpty())).isPresent());
    }

    /**
     * Runs the drill with the independent prober probing the same page meanwhile, and checks the
     * report's gap of that page (the client gap, where the page is the only probe) against the
     * prober's within {@link #GAP_AGREEMENT}.
     */
    private DrillReport drillBesideIndependentProber(Path drills, String name) throws Exception {
        var bed = cluster.bed();
        List<IndependentProber.Sample> samples;
        DrillReport report;
        try (var prober = IndependentProber.start(bed, bed.vip(), 80, INDEPENDENT_PROBE, Duration.ofMillis(500), workDir)) {
            report = drill(drills, name);
            samples = prober.stop(Duration.ofSeconds(10));
        }
        var independent = IndependentProber.longestOutage(samples).orElseThrow(() ->
                new AssertionError("the independent prober saw no outage in " + samples.size() + " samples"));
        var page = report.probes().stream().filter(p -> p.name().equals("page")).findFirst().orElseThrow();
        var drillSide = IndependentProber.longestOutage(page.samples().stream().map(x -> new IndependentProber.Sample(
                x.atMs() * 1_000_000, (x.atMs() + x.tookMs()) * 1_000_000, x.ok())).toList()).orElseThrow();
        assertThat(drillSide.ms()).as("the report's page outage, recomputed from its samples")
                .isBetween(page.outageMs() - 2, page.outageMs() + 2); // the samples are kept in whole ms
        long late = lateness(drillSide, DRILL_PROBE) + lateness(independent, INDEPENDENT_PROBE);
        log("%s: the report's page outage %d ms (client gap %d ms, %d samples), the independent prober's %d ms (%d samples): "
                + "difference %+d ms; edges seen %d/%d ms apart (drill), %d/%d ms (independent): %d ms late in all", name,
                page.outageMs(), report.gapMs(), page.samples().size(), independent.ms(), samples.size(),
                page.outageMs() - independent.ms(), drillSide.startEdgeNanos() / 1_000_000, drillSide.endEdgeNanos() / 1_000_000,
                independent.startEdgeNanos() / 1_000_000, independent.endEdgeNanos() / 1_000_000, late);
        assertThat(samples).as("the independent prober probed").hasSizeGreaterThan(100);
        assertThat(page.samples()).as("the drill's probe kept its grid").hasSizeGreaterThan(100);
        assertThat(Math.abs(page.outageMs() - independent.ms())).as("|report - independent prober| in ms (late edges: %d ms)", late)
                .isLessThanOrEqualTo(GAP_AGREEMENT.toMillis());
        return report;
    }

    /** How much later than its interval a prober's attempts around the outage's two edges came, in ms. */
    private static long lateness(IndependentProber.Outage o, Duration interval) {
        long i = interval.toNanos();
        return (Math.max(0, o.startEdgeNanos() - i) + Math.max(0, o.endEdgeNanos() - i)) / 1_000_000;
    }

    /** A drill file with one drill, {@code body} its keys after {@code name}. */
    private Path file(String name, String body) throws IOException {
        return Files.writeString(workDir.resolve(name + ".yaml"), "drills:\n  - name: " + name + "\n" + body);
    }

    /** Runs `vigil drill run NAME --yes --json` in the client namespace; returns the report it kept. */
    private DrillReport drill(Path drills, String name) throws IOException {
        var bed = cluster.bed();
        var state = workDir.resolve("drill-state");
        var connect = bed.nodes().stream().map(n -> bed.address(n) + ":7695").reduce((a, b) -> a + "," + b).orElseThrow();
        var before = new ReportStore(state).ids();
        var r = bed.client(Duration.ofMinutes(8), VigilHome.launcher().toString(), "drill", "run", name, "--yes", "--json",
                "--file", drills.toString(), "--config", cluster.agents().configFile().toString(), "--connect", connect,
                "--state-dir", state.toString(), "--vantage-command",
                String.join(" ", bed.execPrefix("{node}")) + " " + VigilHome.launcher() + " drill probe");
        Files.writeString(workDir.resolve("drill-" + name + ".log"), r.all());
        var ids = new ReportStore(state).ids().stream().filter(id -> !before.contains(id)).toList();
        assertThat(ids).as("a new report; the command said: %s", r.all()).hasSize(1);
        var report = new ReportStore(state).load(ids.get(0)).orElseThrow();
        assertThat(r.exit()).as("exit code of a %s drill: %s", report.verdict(), report.reason())
                .isEqualTo(DrillReport.Verdict.valueOf(report.verdict().toUpperCase(java.util.Locale.ROOT)).exitCode());
        return report;
    }

    /** The drill's restore hook: ha's agent started again in its namespaces, detached, appending to its log. */
    private String restartCommand(String node) {
        var bed = cluster.bed();
        var agents = cluster.agents();
        return "setsid " + String.join(" ", bed.execPrefix(node)) + " " + VigilHome.launcher() + " agent --config "
                + agents.configFile() + " --node " + node + " --socket " + agents.socket(node) + " --state-dir "
                + workDir.resolve("state").resolve(node) + " >> " + agents.log(node) + " 2>&1 < /dev/null &";
    }

    private static void assertPhases(DrillReport r) {
        assertThat(r.phases()).extracting(PhaseTime::phase)
                .containsExactly("preconditions", "inject", "observe", "restore", "verdict");
        for (int i = 1; i < r.phases().size(); i++) {
            var prev = r.phases().get(i - 1);
            assertThat(r.phases().get(i).startMs()).as("phases follow each other").isGreaterThanOrEqualTo(prev.startMs() + prev.durationMs());
        }
        assertThat(r.preconditions()).allMatch(DrillReport.Check::ok);
        assertThat(r.configVersion()).as("the cluster file has no version: 1").isEqualTo(1);
        assertThat(r.configDigest()).hasSize(16);
    }

    private static TimelineEntry first(List<TimelineEntry> timeline, String kind, String source) {
        return timeline.stream().filter(t -> t.kind().equals(kind) && source.equals(t.source())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " from " + source + " in " + timeline));
    }

    private static List<String> kinds(List<TimelineEntry> timeline) {
        return timeline.stream().map(TimelineEntry::kind).distinct().toList();
    }

    private void keep() throws IOException {
        Files.createDirectories(logDir);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")
                    || f.toString().endsWith(".json") || f.toString().endsWith(".html")).toList()) {
                Files.copy(f, logDir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("DrillBedIT: " + String.format(format, args));
    }

}
