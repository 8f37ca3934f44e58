package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * heartbeat's two other classic layouts on the namespace bed, with real agents and real apache
 * instances — one apache per group, each on its own port and floating IP, so two can run on one
 * node: <b>mutual takeover</b> (two nodes, two groups, each preferring its own node: a node dies,
 * its group joins the other's node, the other group never moves; the node comes back and, with
 * {@code auto_failback: true}, its group returns) and <b>N+1</b> (three nodes, two active groups
 * kept apart, one spare: an active node dies, its group goes to the spare, the other never moves;
 * the node comes back and, with {@code auto_failback: false}, nothing moves). An independent
 * prober (python, its own process and clock) GETs each floating IP from the client namespace all
 * along: the untouched group must answer every request, the moved one come back within the bound
 * the configuration gives (detection, the fence, the group's starts). One bed of three nodes
 * serves both clusters (the mutual pair uses two of them). Needs root and apache2.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TakeoverModesBedIT {
    /**
     * The {@code lan} preset (dead after 1 s), not {@code fast}: with eight builds on two cores this
     * machine starves a three-node cluster's heartbeats past fast's 250 ms often enough to flap its
     * views and lose quorum for a moment, which stops groups that must not move. (initdead once
     * had to be raised here: it counted from before a slow start; it now counts from when the
     * agent begins watching — FailureDetector.beginWatching.)
     */
    private static final String TIMING = "{preset: lan}";
    private static final Timing CONFIGURED = TimingPreset.LAN.timing();
    private static final Duration KEEPALIVE = CONFIGURED.keepalive();
    /** The bed's fence devices' timeout ({@link BedCluster}'s fencing: {@code timeout: 20s}). */
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20);
    /**
     * A group's takeover as the configuration bounds it: detection (the joining deadtime, one
     * keepalive, a second for a loaded machine's decision), the fence within its timeout, then the
     * group's two starts (address, apache), each within its timeout (the default).
     */
    static final Duration TAKEOVER_BOUND = max(CONFIGURED.deadtime(), Timing.JOINING_DEADTIME).plus(KEEPALIVE).plus(Duration.ofSeconds(1))
            .plus(FENCE_TIMEOUT).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(2));
    /** A failback: the returning node's probes, the group's two stops and two starts, each within its timeout. */
    static final Duration FAILBACK_BOUND = Duration.ofSeconds(10).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(4));
    /** First start: JVMs, probes, the groups' starts. */
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** The prober's request timeout: apache answers a static page in milliseconds; this is room for a loaded machine. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);

    /** The two groups: id, port, floating IP's last octet. */
    record Group(String id, int port, int octet) {
        String ip(HaBed bed) {
            return bed.vip().replaceAll("\\.\\d+$", "." + octet);
        }
    }

    static final Group ALPHA = new Group("alpha", 8081, 50);
    static final Group BETA = new Group("beta", 8082, 51);

    /** %s: the timing, the floating IPs, the groups' constraints (N+1 keeps them apart and names the spare), auto_failback. */
    private static final String CLUSTER = """
            cluster: takeover
            auth: {keyfile: KEYFILE}
            timing: %s
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: ip-alpha, agent: "ocf:vigil:IPaddr", params: {ip: %s, cidr_netmask: ${PREFIX}, nic: eth0}, monitor: {interval: 2s, timeout: 10s}}
              - {id: web-alpha, agent: "ocf:vigil:apache", params: {configfile: /run/vigil-bed/alpha.conf, statusurl: "http://127.0.0.1:8081/"},
                 monitor: {interval: 2s, timeout: 20s}}
              - {id: ip-beta, agent: "ocf:vigil:IPaddr", params: {ip: %s, cidr_netmask: ${PREFIX}, nic: eth0}, monitor: {interval: 2s, timeout: 10s}}
              - {id: web-beta, agent: "ocf:vigil:apache", params: {configfile: /run/vigil-bed/beta.conf, statusurl: "http://127.0.0.1:8082/"},
                 monitor: {interval: 2s, timeout: 20s}}
            groups:
              - {id: alpha, members: [ip-alpha, web-alpha], prefer: ha1}
              - {id: beta, members: [ip-beta, web-beta], prefer: ha2}
            %s
            policy: {auto_failback: %s, no_quorum: stop}
            ${FENCING}
            """;
    private static final String N_PLUS_ONE_CONSTRAINTS = """
            constraints:
              - {type: colocation, id: apart, target: beta, with: alpha, score: -INFINITY}
              - {type: location, id: alpha-spare, target: alpha, node: ha3, score: 50}
              - {type: location, id: beta-spare, target: beta, node: ha3, score: 50}
            """;

    private static HaBed bed;
    private static Path workDir;
    private BedCluster cluster;

    @BeforeAll
    static void upBed() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping mutual takeover and N+1 on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("vtm"); // short: the agents' sockets live here
        bed = HaBed.up(3, false);
        for (var n : bed.nodes()) {
            for (var g : List.of(ALPHA, BETA)) {
                writeApache(n, g);
            }
        }
    }

    @AfterAll
    static void downBed() throws IOException {
        try {
            if (bed != null) {
                bed.close();
                assertThat(bed.leftovers()).as("what bed %s left behind", bed.name()).isEmpty();
            }
        } finally {
            BedCluster.deleteTree(workDir);
        }
    }

    /**
     * Group {@code g}'s apache on {@code node}: its own port, pid file and logs, a page naming
     * node and group. The config is in the node's /run/vigil-bed/ (kept by the bed's fence, which
     * empties the rest of /run as a reboot would), so one cluster file names it for every node.
     */
    private static void writeApache(String node, Group g) throws IOException {
        var nd = Path.of(bed.fact(node.toUpperCase() + "_DIR"));
        var root = nd.resolve("apache-" + g.id());
        var docroot = root.resolve("htdocs");
        var run = nd.resolve("run/apache2-" + g.id());
        Files.createDirectories(docroot);
        Files.createDirectories(root.resolve("lock"));
        Files.createDirectories(run);
        Files.writeString(docroot.resolve("index.html"), "node=" + node + " group=" + g.id() + "\n");
        for (var p : List.of(root, docroot, docroot.resolve("index.html"))) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                    Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        var m = "/usr/lib/apache2/modules";
        Files.writeString(nd.resolve("run/vigil-bed/" + g.id() + ".conf"), """
                # group %2$s's apache on %1$s (TakeoverModesBedIT)
                ServerRoot %3$s
                LoadModule mpm_event_module %4$s/mod_mpm_event.so
                LoadModule authz_core_module %4$s/mod_authz_core.so
                LoadModule dir_module %4$s/mod_dir.so
                ServerName %1$s
                Listen %5$d
                PidFile %6$s/apache2.pid
                DefaultRuntimeDir %6$s
                Mutex file:%3$s/lock default
                ErrorLog %3$s/error.log
                # Who asked, and with which client: the prober sends no User-Agent, curl does.
                LogFormat "%%h %%{User-Agent}i" who
                CustomLog %3$s/access.log who
                User www-data
                Group www-data
                KeepAlive Off
                StartServers 1
                ServerLimit 2
                ThreadsPerChild 8
                MaxRequestWorkers 16
                DocumentRoot %7$s
                DirectoryIndex index.html
                <Directory />
                  Require all denied
                </Directory>
                <Directory %7$s>
                  Require all granted
                </Directory>
                """.formatted(node, g.id(), root, m, g.port(), run, docroot));
    }

    private BedCluster start(List<String> nodes, String constraints, boolean autoFailback, String name) throws Exception {
        var template = CLUSTER.formatted(TIMING, ALPHA.ip(bed), BETA.ip(bed), constraints, autoFailback);
        cluster = BedCluster.on(bed, nodes, workDir.resolve(name), template);
        cluster.startAll();
        awaitServedBy(ALPHA, "ha1", STARTUP);
        awaitServedBy(BETA, "ha2", STARTUP);
        return cluster;
    }

    /** Ends a phase: the agents killed, then everything they left on the nodes (apaches, addresses, pid files, access logs). */
    private void stop() throws Exception {
        if (cluster == null) return;
        try {
            cluster.close();
        } finally {
            keepLogs(cluster);
            cluster = null;
            for (var n : bed.nodes()) {
                killEverythingOn(n);
                for (var g : List.of(ALPHA, BETA)) {
                    HaBed.run(List.of("ip", "-n", bed.namespace(n), "addr", "del", g.ip(bed) + "/" + bed.prefixLength(), "dev", "eth0"),
                            HaBed.DEFAULT_TIMEOUT);
                    Files.deleteIfExists(Path.of(bed.fact(n.toUpperCase() + "_DIR"), "run/apache2-" + g.id(), "apache2.pid"));
                    // The next phase's probers must be seen answering in it (awaitProberAnswered).
                    Files.deleteIfExists(Path.of(bed.fact(n.toUpperCase() + "_DIR"), "apache-" + g.id(), "access.log"));
                }
            }
        }
    }

    /** The cluster file and the agents' logs, kept in target/takeover-it/ for whoever reads a failure. */
    private static void keepLogs(BedCluster c) throws IOException {
        var dir = c.agents().configFile().getParent();
        var keep = Path.of("target/takeover-it", dir.getFileName().toString()).toAbsolutePath();
        BedCluster.deleteTree(keep);
        Files.createDirectories(keep);
        try (Stream<Path> files = Files.list(dir)) {
            for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, keep.resolve(f.getFileName()));
            }
        }
    }

    private void killEverythingOn(String node) throws IOException, InterruptedException {
        for (int round = 0; round < 20; round++) {
            var pids = bed.pids(node);
            if (pids.isEmpty()) return;
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Thread.sleep(20);
        }
    }

    @Test
    @Order(1)
    void mutualTakeoverTheDeadNodesGroupMovesTheOtherNeverAndItFailsBack() throws Exception {
        try {
            var c = start(List.of("ha1", "ha2"), "", true, "mutual");
            try (var probers = Probers.start(workDir.resolve("mutual"))) {
                long alphaDispatches = dispatches(c, "alpha");

                c.killNode("ha2");
                var moved = awaitServedBy(BETA, "ha1", TAKEOVER_BOUND.plusSeconds(5));
                log("mutual takeover: ha2 killed, beta served by ha1 after %d ms", moved.toMillis());
                assertThat(c.status("ha1").orElseThrow().resources().fenced()).as("ha1 fenced the dead ha2").contains("ha2");
                assertThat(c.runningOn("ha1", "web-alpha")).containsExactly("ha1");

                // auto_failback: true — ha2 comes back and beta returns to it; alpha stays.
                c.start("ha2");
                var back = awaitServedBy(BETA, "ha2", FAILBACK_BOUND);
                log("mutual takeover: ha2 back, beta served by ha2 again after %d ms", back.toMillis());
                await("ha1 sees beta on ha2 only").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> c.runningOn("ha1", "web-beta"), on -> on.equals(List.of("ha2")));
                Thread.sleep(500);

                assertUntouchedAndMoved(c, ALPHA, probers.alpha(), alphaDispatches, BETA, probers.beta());
                assertThat(c.runningOn("ha2", "web-alpha")).containsExactly("ha1");
            }
        } finally {
            stop();
        }
    }

    @Test
    @Order(2)
    void nPlusOneTheDeadNodesGroupGoesToTheSpareTheOtherNeverMovesAndNothingMovesBack() throws Exception {
        try {
            var c = start(List.of("ha1", "ha2", "ha3"), N_PLUS_ONE_CONSTRAINTS, false, "nplus1");
            try (var probers = Probers.start(workDir.resolve("nplus1"))) {
                long betaDispatches = dispatches(c, "beta");

                c.killNode("ha1");
                var moved = awaitServedBy(ALPHA, "ha3", TAKEOVER_BOUND.plusSeconds(5));
                log("N+1: ha1 killed, alpha served by the spare ha3 after %d ms", moved.toMillis());
                assertThat(c.status("ha2").orElseThrow().resources().fenced()).as("ha1 fenced").contains("ha1");

                // auto_failback: false — ha1 comes back and rejoins; nothing moves.
                c.start("ha1");
                await("ha1 rejoined and the cluster settled").atMost(STARTUP).pollInterval(Duration.ofMillis(100))
                        .until(() -> c.status("ha1").filter(s -> s.members().containsAll(List.of("ha1", "ha2", "ha3"))
                                && s.resources() != null && s.resources().waitingFor().isEmpty()
                                && s.resources().pending().isEmpty()).isPresent());
                // Watch for a while (several monitor intervals) to be sure nothing moves.
                long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (System.nanoTime() < until) {
                    assertThat(servedBy(ALPHA)).as("alpha after ha1 came back").contains("ha3");
                    Thread.sleep(250);
                }

                assertUntouchedAndMoved(c, BETA, probers.beta(), betaDispatches, ALPHA, probers.alpha());
                for (var observer : List.of("ha1", "ha2", "ha3")) {
                    assertThat(c.runningOn(observer, "web-alpha")).as("alpha as %s sees it", observer).containsExactly("ha3");
                    assertThat(c.runningOn(observer, "web-beta")).as("beta as %s sees it", observer).containsExactly("ha2");
                }
            }
        } finally {
            stop();
        }
    }

    /**
     * Stops both probers. The untouched group answered every request and none of its members got
     * an operation dispatched after the fault ({@code dispatchesBefore}); the moved group's longest
     * outage is within {@link #TAKEOVER_BOUND}.
     */
    private static void assertUntouchedAndMoved(BedCluster c, Group untouched, IndependentProber untouchedProber, long dispatchesBefore,
            Group moved, IndependentProber movedProber) throws IOException, InterruptedException {
        var samples = untouchedProber.stop(Duration.ofSeconds(10));
        var failed = samples.stream().filter(s -> !s.ok()).count();
        log("%s (untouched): %d requests, %d failed", untouched.id(), samples.size(), failed);
        assertThat(samples).as("%s's requests", untouched.id()).hasSizeGreaterThan(20);
        assertThat(failed).as("%s's failed requests (it never moves)", untouched.id()).isZero();
        assertThat(dispatches(c, untouched.id())).as("operations dispatched on %s's members after the fault", untouched.id())
                .isEqualTo(dispatchesBefore);

        var gap = IndependentProber.longestOutage(movedProber.stop(Duration.ofSeconds(10)));
        assertThat(gap).as("%s had an outage (the kill)", moved.id()).isPresent();
        log("%s (moved): longest outage %d ms (bound %d ms)", moved.id(), gap.get().ms(), TAKEOVER_BOUND.toMillis());
        assertThat(Duration.ofNanos(gap.get().nanos())).as("%s's longest outage", moved.id()).isLessThan(TAKEOVER_BOUND);
    }

    /** How many operations the coordinators (any node's log) dispatched on a group's members. */
    private static long dispatches(BedCluster c, String group) throws IOException {
        long n = 0;
        for (var node : c.nodes()) {
            var log = c.agents().log(node);
            if (!Files.exists(log)) continue;
            try (Stream<String> lines = Files.lines(log)) {
                n += lines.filter(l -> l.contains("dispatch ip-" + group + ":") || l.contains("dispatch web-" + group + ":")).count();
            }
        }
        return n;
    }

    private static final Pattern NODE = Pattern.compile("node=(ha\\d) group=(\\w+)");

    /** The node serving group {@code g}'s page at its floating IP right now, or empty. */
    private static Optional<String> servedBy(Group g) {
        try {
            var r = bed.client(Duration.ofSeconds(5), "curl", "-s", "-m", "1", "http://" + g.ip(bed) + ":" + g.port() + "/");
            var m = NODE.matcher(r.stdout());
            return r.exit() == 0 && m.find() && m.group(2).equals(g.id()) ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** An independent prober on each group's floating IP. */
    record Probers(IndependentProber alpha, IndependentProber beta) implements AutoCloseable {
        /** Starts both; returns once each has been answered by its group's preferred node (ha1, ha2). */
        static Probers start(Path dir) throws IOException {
            var alpha = IndependentProber.start(bed, ALPHA.ip(bed), ALPHA.port(), PROBE_INTERVAL, PROBE_TIMEOUT, dir);
            IndependentProber beta = null;
            try {
                beta = IndependentProber.start(bed, BETA.ip(bed), BETA.port(), PROBE_INTERVAL, PROBE_TIMEOUT, dir);
                awaitProberAnswered(ALPHA, "ha1");
                awaitProberAnswered(BETA, "ha2");
                return new Probers(alpha, beta);
            } catch (IOException | RuntimeException e) {
                alpha.close();
                if (beta != null) beta.close();
                throw e;
            }
        }

        @Override
        public void close() {
            alpha.close();
            beta.close();
        }
    }

    /**
     * Until group {@code g}'s apache on {@code node} has answered the independent prober (a line
     * from the client without a User-Agent in its access log): an outage is measured between
     * answers, so the prober must have had one before the fault (python starts slowly on a loaded machine).
     */
    private static void awaitProberAnswered(Group g, String node) {
        var accessLog = Path.of(bed.fact(node.toUpperCase() + "_DIR"), "apache-" + g.id(), "access.log");
        var line = bed.fact("CLIENT_ADDR") + " -";
        await("the prober answered by " + g.id() + " on " + node).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(accessLog) && Files.readAllLines(accessLog).contains(line));
    }

    private static Duration awaitServedBy(Group g, String node, Duration atMost) {
        long t0 = System.nanoTime();
        await(g.id() + " served by " + node).atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> servedBy(g), on -> on.equals(Optional.of(node)));
        return TestCluster.since(t0);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void log(String format, Object... args) {
        System.out.println("[TakeoverModesBedIT] " + String.format(format, args));
    }
}
