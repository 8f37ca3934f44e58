package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The recipes applied for real on the namespace bed, each node reached through a real OpenSSH
 * server in its namespaces ({@link PlaybookBed}), by the {@code vigil} CLI run in the client
 * namespace as an operator would: a plan changes nothing on any node (checksums before and
 * after), apply sets the cluster up, the agents started from the cluster file the playbook wrote
 * serve the client, a second apply changes nothing, killing the active node moves the service to
 * the other, and undo puts every file back.
 *
 * <p>The recipes are written alongside this test: everything that depends on their file names,
 * variables and resource ids is in the constants below. Each test skips (with the reason) until
 * its recipe exists in the distribution. Needs root, apache2, openssh-server and -client, and per
 * recipe nfs-ganesha + libnfs-utils or haproxy.
 */
@Tag("integration")
class PlaybookBedIT {
    // ---- what depends on the recipes (adjust here)

    static final String APACHE_PLAYBOOK = "apache-shared-disk/playbook.yaml";
    static final String NFS_PLAYBOOK = "nfs-server/playbook.yaml";
    static final String HAPROXY_PLAYBOOK = "haproxy/playbook.yaml";

    /**
     * The recipes' variables for this bed ({@link PlaybookBed#expand} placeholders: bed facts such
     * as {@code ${VIP}}, {@code ${DISK}} (the shared disk), {@code ${MOUNT}} (where a node mounts it),
     * {@code ${SUBNET}}, {@code ${HA1_ADDR}}, and {@code ${FIRST_NODE}}). As in playbooks/RECIPE/
     * vars.example.yaml of the recipes' branch (pb-recipes, 788df80).
     */
    static final String APACHE_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            device: ${DISK}
            fstype: ext4
            mount_point: ${MOUNT}
            port: 80
            server_name: www.vigil-bed.test
            primary: ${FIRST_NODE}
            monitor_interval: 2s
            """;
    /** The apache recipe's DocumentRoot on the shared disk ({@code {{mount_point}}/htdocs}, its vigil-ha.conf). */
    static final String APACHE_DOCROOT_ON_DISK = "htdocs";
    /** The exported directory on the shared disk (the recipe's {@code export_dir}, below {@code mount_point}). */
    static final String NFS_EXPORT_ON_DISK = "export";
    static final String NFS_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            device: ${DISK}
            fstype: ext4
            mount_point: ${MOUNT}
            export_dir: ${MOUNT}/%s
            clients: ${SUBNET}
            options: rw,sync,no_root_squash
            fsid: 1
            grace_period: 10
            primary: ${FIRST_NODE}
            """.formatted(NFS_EXPORT_ON_DISK);
    /** libnfs URL options: NFSv3 on the real path (ganesha refuses v3 mounts of the pseudo path). */
    static final String NFS_URL_OPTIONS = "";
    /** haproxy listens on this port on every address and balances over the nodes' own apaches (port 80). */
    static final int HAPROXY_PORT = 8080;
    static final String HAPROXY_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            frontend_port: %d
            backend1: ${HA1_ADDR}:80
            backend2: ${HA2_ADDR}:80
            primary: ${FIRST_NODE}
            """.formatted(HAPROXY_PORT);

    static final String LVS_PLAYBOOK = "lvs-director/playbook.yaml";
    /** The ipvsadm stand-in (no IPVS in this kernel), installed as each node's own /usr/local/sbin/ipvsadm. */
    static final String IPVSADM_STANDIN = "resource-scripts/test/standins/ipvsadm/ipvsadm";
    /** The lvs agent's monitor: its interval and timeout (cluster.yaml), and the checks' timeout. */
    static final Duration LVS_MONITOR_INTERVAL = Duration.ofSeconds(2);
    static final Duration LVS_MONITOR_TIMEOUT = Duration.ofSeconds(60);
    /** The nodes' own apaches (port 80, {@code --hot}: each serves its page) are the real servers. */
    static final String LVS_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            port: 80
            forwarding: dr
            real_servers: ${HA1_ADDR}:80 ${HA2_ADDR}:80
            check: http
            check_path: /
            check_timeout: 1
            primary: ${FIRST_NODE}
            monitor_interval: 2s
            """;

    /**
     * How the CLI is told where the hosts are. The contract: {@code --config cluster.yaml} (the
     * nodes, reached over SSH as root on port 22 with "the user's keys": the operator's home of
     * {@link PlaybookBed} holds the bed's key and known_hosts). Set to true to pass the inventory
     * with the key and known_hosts spelled out instead.
     */
    static final boolean HOSTS_FROM_INVENTORY = false;
    /**
     * Whether apply and undo get {@code --state-dir} (the journal's directory). The journal lives on
     * each host, by default in /var/lib/vigil/playbooks, which on this bed is the node's own /var:
     * nothing of the machine is written, so the default is kept.
     */
    static final boolean OPERATOR_STATE_DIR = false;
    /**
     * Whether undo is told the hosts ({@code --config}): the journal is on each host. (pb-ssh,
     * 444badf: "runs and undo on SSH hosts" not built yet; undo reads this machine's journal only.)
     */
    static final boolean UNDO_NEEDS_HOSTS = true; // `runs` and `undo` read each host's journal over SSH
    /**
     * The second apply runs while the cluster runs (true: what an operator does when re-running a
     * playbook), or before the agents start (false). With the cluster running, a recipe's
     * {@code service: {state: stopped}} of the service the cluster runs (apache2, haproxy) finds it
     * running on the active node and stops it: that second apply is then not a no-op.
     */
    static final boolean SECOND_APPLY_WITH_CLUSTER_RUNNING = true;
    /**
     * Whether the nodes get the operator's cluster file at /etc/vigil/cluster.yaml before the
     * first apply (as an install step would), for recipes whose {@code cluster} step merges into
     * an existing file. False: the recipe writes it.
     */
    static final boolean SEED_NODE_CLUSTER_FILE = true;
    /**
     * Node paths left out of "undo puts every file back": what the agents and services write while
     * they run (state, logs, NFS recovery, haproxy's chroot) and the journal itself.
     */
    static final List<String> UNDO_IGNORES = List.of("/var/lib/vigil/", "/var/log/vigil/", "/var/lib/nfs/", "/var/lib/haproxy/");

    // ---- bounds, from configuration

    private static final Duration KEEPALIVE = TimingPreset.FAST.timing().keepalive();
    /** The bed's fence devices' timeout ({@link BedCluster}'s fencing yaml: {@code timeout: 20s}). */
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20);
    /** Detection, the fence, then up to four starts (disk, address, service, export), each within its timeout. */
    private static final Duration FAILOVER_BOUND = Timing.JOINING_DEADTIME.plus(KEEPALIVE).plus(Duration.ofSeconds(1))
            .plus(FENCE_TIMEOUT).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(4));
    /** First start of the agents: JVMs, probes, the group's starts. */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** A plan or apply over SSH on two nodes: connecting, facts, the steps' own timeouts (60 s by default). */
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(5);

    private PlaybookBed pb;
    private Path dir;
    private Path logDir;

    @BeforeEach
    void checkHost(TestInfo info) throws IOException {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the recipes on the SSH bed: " + why.orElse(""));
        logDir = Path.of("target/playbook-it", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        dir = Files.createTempDirectory("vpb");
    }

    @AfterEach
    void cleanUp() throws Exception {
        PlaybookBed.tearDown(pb, dir, logDir);
    }

    // ---- the recipes

    @Test
    void apacheSharedDisk() throws Exception {
        var playbook = recipe(APACHE_PLAYBOOK);
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var page = "the site of bed " + bed.name() + ", on its shared disk";
        pb.onSharedDisk("mkdir -p " + APACHE_DOCROOT_ON_DISK + " && printf '%s\\n' '" + page + "' >"
                + APACHE_DOCROOT_ON_DISK + "/index.html && chmod -R a+rX " + APACHE_DOCROOT_ON_DISK);
        var url = "http://" + bed.vip() + "/";
        // The system apache serves the same page from every node: the one holding the VIP serves it.
        runRecipe(playbook, APACHE_VARS, () -> servedByVipHolder(pb.get(url, Duration.ofSeconds(2)).filter(b -> b.contains(page))));
    }

    @Test
    void nfsServer() throws Exception {
        var playbook = recipe(NFS_PLAYBOOK);
        for (var tool : List.of("/usr/bin/ganesha.nfsd", "/usr/bin/nfs-cat")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "skipping: the nfs-server recipe's test needs " + tool
                    + " (apt-get install nfs-ganesha nfs-ganesha-vfs libnfs-utils)");
        }
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var content = "read back over NFS from bed " + bed.name();
        pb.onSharedDisk("mkdir -p " + NFS_EXPORT_ON_DISK + " && printf %s '" + content + "' >" + NFS_EXPORT_ON_DISK + "/hello.txt");
        var url = "nfs://" + bed.vip() + bed.mountPoint() + "/" + NFS_EXPORT_ON_DISK + "/hello.txt" + NFS_URL_OPTIONS;
        // The client reads the file back with libnfs (the kernel has no NFS client); the node
        // holding the VIP serves it.
        runRecipe(playbook, NFS_VARS, () -> {
            // While the VIP moves, or during ganesha's grace period, a read can hang: that try is
            // "not served yet" (killed at its bound), and the next one asks again.
            try {
                var r = bed.client(Duration.ofSeconds(5), "nfs-cat", url);
                return servedByVipHolder(Optional.of(r).filter(x -> x.exit() == 0 && x.stdout().equals(content)));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    @Test
    void haproxy() throws Exception {
        var playbook = recipe(HAPROXY_PLAYBOOK);
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "skipping: the haproxy recipe's test needs haproxy");
        // Every node's apache serves its own page: haproxy's backends.
        pb = PlaybookBed.up(2, true, dir);
        for (var n : pb.bed().nodes()) {
            pb.startApache(n);
        }
        var url = "http://" + pb.bed().vip() + ":" + HAPROXY_PORT + "/";
        // Served "by" the node that holds the VIP (its haproxy answers); the page names the backend.
        runRecipe(playbook, HAPROXY_VARS, () -> servedByVipHolder(pb.get(url, Duration.ofSeconds(2)).filter(b -> b.contains("node="))));
    }

    /**
     * The LVS director pair against the ipvsadm stand-in (this kernel has no IPVS: no packet is
     * balanced; the rules the agent sets are read back from the stand-in's table on the node that
     * holds the VIP). Served = the VIP holder's table has the virtual service. While it runs, a
     * real server's apache stops (weight 0 within a monitor) and starts again (weight back).
     */
    @Test
    void lvsDirector() throws Exception {
        var playbook = recipe(LVS_PLAYBOOK);
        assumeTrue(Files.isExecutable(Path.of("/sbin/ipvsadm")) || Files.isExecutable(Path.of("/usr/sbin/ipvsadm")),
                "skipping: the lvs-director recipe's package step needs ipvsadm installed (apt-get install ipvsadm)");
        pb = PlaybookBed.up(2, true, dir);
        var bed = pb.bed();
        var standin = Files.readString(VigilHome.home().resolve(IPVSADM_STANDIN));
        for (var n : bed.nodes()) {
            pb.writeOnNode(n, "/usr/local/sbin/ipvsadm", standin, "755");
            pb.startApache(n);
        }
        var service = bed.vip() + ":80";
        runRecipe(playbook, LVS_VARS, () -> {
            var holders = bed.vipHolders();
            return holders.size() == 1 && !weights(holders.get(0), service).isEmpty() ? Optional.of(holders.get(0)) : Optional.empty();
        }, new RecipeChecks() {
            final Duration bound = LVS_MONITOR_INTERVAL.plus(LVS_MONITOR_TIMEOUT);

            @Override
            public void whileServing(String director) throws Exception {
                var first = realServer(0);
                var second = realServer(1);
                assertThat(weights(director, service)).as("the rules on the director %s", director)
                        .isEqualTo(Map.of(first, 1, second, 1));
                // A real server's apache stops: weight 0 at the next monitor; it starts: weight 1 again.
                var victim = bed.nodes().get(1);
                var pid = Long.parseLong(Files.readString(bed.apachePidFile(victim)).strip());
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                awaitWeight(director, second, 0);
                assertThat(weights(director, service).get(first)).as("the healthy real server").isEqualTo(1);
                await("apache on " + victim + " gone").atMost(Duration.ofSeconds(30))
                        .until(() -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                pb.startApache(victim);
                awaitWeight(director, second, 1);
                log("lvs-director: real server %s down (weight 0) and back (weight 1) on director %s", second, director);
            }

            /** The new director set the rules, and the killed node's apache (a real server) is at weight 0 there. */
            @Override
            public void afterFailover(String director, String killed) {
                var dead = bed.address(killed) + ":80";
                awaitWeight(director, dead, 0);
                var alive = bed.address(director) + ":80";
                assertThat(weights(director, service).get(alive)).as("the surviving real server on %s", director).isEqualTo(1);
            }

            private String realServer(int i) {
                return bed.address(bed.nodes().get(i)) + ":80";
            }

            private void awaitWeight(String director, String realServer, int weight) {
                await("real server " + realServer + " at weight " + weight + " on " + director).atMost(bound)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> weights(director, service), w -> Integer.valueOf(weight).equals(w.get(realServer)));
            }
        });
    }

    /** The real servers and their weights in {@code node}'s ipvsadm table for {@code service}; empty if it has none. */
    private Map<String, Integer> weights(String node, String service) {
        try {
            var r = pb.bed().exec(node, Duration.ofSeconds(10), "/usr/local/sbin/ipvsadm", "-L", "-n", "-t", service);
            if (r.exit() != 0) return Map.of();
            var m = new TreeMap<String, Integer>();
            r.stdout().lines().map(String::trim).filter(l -> l.matches("-> \\d.*")).map(l -> l.split("\\s+"))
                    .forEach(f -> m.put(f[1], Integer.parseInt(f[3])));
            return m;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * Host keys: with an empty known_hosts a strict plan refuses every node; {@code --accept-new}
     * (OpenSSH's {@code StrictHostKeyChecking=accept-new}) records each node's key, which must be
     * the key that node's sshd really has (the bed's known_hosts).
     */
    @Test
    void unknownHostKeysAreRefusedUnlessAcceptNew() throws Exception {
        var playbook = recipe(APACHE_PLAYBOOK);
        pb = PlaybookBed.up(2, false, dir);
        var vars = pb.writeOperatorFile("vars.yaml", APACHE_VARS);
        if (SEED_NODE_CLUSTER_FILE) {
            pb.installClusterFileOnNodes();
        }
        var knownHosts = pb.operatorHome().resolve(".ssh/known_hosts");
        Files.writeString(knownHosts, "");
        var args = new ArrayList<>(List.of("playbook", "plan", playbook.toString(), "--vars", vars.toString()));
        args.addAll(List.of("--config", pb.clusterFile().toString(), "--json"));

        var strict = pb.vigil(CLI_TIMEOUT, args);
        assertThat(strict.exit()).as("a strict plan against unknown hosts: %s", strict.all()).isEqualTo(1);
        assertThat(Files.readString(knownHosts)).as("nothing recorded without --accept-new").isEmpty();

        args.add("--accept-new");
        var accepted = pb.vigil(CLI_TIMEOUT, args);
        assertThat(accepted.exit()).as("plan --accept-new: %s", accepted.all()).isZero();
        var recorded = Files.readString(knownHosts);
        for (var line : Files.readAllLines(pb.bed().knownHosts())) {
            var f = line.split(" ");
            // "ADDR ssh-ed25519 BASE64" in the bed's; the CLI may hash names, but the key must be there.
            assertThat(recorded).as("%s's key recorded", f[0]).contains(f[2]);
        }
        // And the next strict run trusts what was recorded.
        args.remove("--accept-new");
        assertThat(pb.vigil(CLI_TIMEOUT, args).exit()).as("a strict plan after --accept-new").isZero();
    }

    /** The node holding the VIP (exactly one), if the client got its answer; else empty. */
    private Optional<String> servedByVipHolder(Optional<?> answer) throws IOException {
        if (answer.isEmpty()) return Optional.empty();
        var holders = pb.bed().vipHolders();
        return holders.size() == 1 ? Optional.of(holders.get(0)) : Optional.empty();
    }

    // ---- the one scenario every recipe goes through

    interface Probe {
        /** The node serving the client right now, or empty. */
        Optional<String> servedBy() throws Exception;
    }

    /** What a recipe's own test checks on top of the scenario every recipe goes through. */
    interface RecipeChecks {
        /** While the cluster serves (after the second apply), from {@code servedBy}. */
        default void whileServing(String servedBy) throws Exception { }

        /** Once {@code servedBy} serves after {@code killed} was killed. */
        default void afterFailover(String servedBy, String killed) throws Exception { }
    }

    private void runRecipe(Path playbook, String varsTemplate, Probe probe) throws Exception {
        runRecipe(playbook, varsTemplate, probe, new RecipeChecks() { });
    }

    private void runRecipe(Path playbook, String varsTemplate, Probe probe, RecipeChecks checks) throws Exception {
        var bed = pb.bed();
        var vars = pb.writeOperatorFile("vars.yaml", varsTemplate);
        if (SEED_NODE_CLUSTER_FILE) {
            pb.installClusterFileOnNodes();
        }
        var pristine = pb.snapshotAll();

        // 1. plan: reports what it would do, changes nothing anywhere.
        var plan = playbook("plan", playbook, vars);
        assertThat(plan.get("changed").asInt()).as("plan: changes to make on fresh nodes").isPositive();
        assertSame(pristine, pb.snapshotAll(), "the nodes after a plan");

        // 2. apply: done; the agents, started from what it left on the nodes, serve the client.
        var apply = playbook("apply", playbook, vars);
        assertThat(apply.get("changed").asInt()).as("apply: changed").isPositive();
        var run = apply.get("run").asText();
        assertThat(run).isNotBlank();
        for (var n : bed.nodes()) {
            assertThat(pb.ssh(n, Duration.ofSeconds(30), "test -s " + PlaybookBed.NODE_CLUSTER_FILE).exit())
                    .as("the cluster file on %s", n).isZero();
        }
        if (!SECOND_APPLY_WITH_CLUSTER_RUNNING) {
            secondApplyChangesNothing(playbook, vars);
        }
        pb.startAgents();
        var first = awaitServedByAnyOf(probe, bed.nodes(), STARTUP);
        log("apply %s: served by %s", run, first);

        // 3. a second apply (the cluster running): nothing to change on any host.
        if (SECOND_APPLY_WITH_CLUSTER_RUNNING) {
            secondApplyChangesNothing(playbook, vars);
            assertThat(probe.servedBy()).as("still served after the second apply").isPresent();
        }
        checks.whileServing(probe.servedBy().orElseThrow());

        // 4. the active node dies: the other serves.
        var active = probe.servedBy().orElseThrow();
        var other = bed.nodes().stream().filter(n -> !n.equals(active)).findFirst().orElseThrow();
        long t0 = System.nanoTime();
        pb.killNode(active);
        awaitServedByAnyOf(probe, List.of(other), FAILOVER_BOUND.plusSeconds(20));
        log("%s killed: served by %s after %d ms", active, other, Duration.ofNanos(System.nanoTime() - t0).toMillis());
        checks.afterFailover(other, active);

        // 5. undo: every file back as before the apply (the killed node booted first: it must be reachable).
        pb.stopAgents();
        bed.boot(active);
        var undo = pb.vigil(CLI_TIMEOUT, undoArgs(run));
        assertThat(undo.exit()).as("undo %s: %s", run, undo.all()).isZero();
        for (var n : bed.nodes()) {
            assertThat(regularFiles(pb.snapshot(n))).as("%s's files after undo", n).isEqualTo(regularFiles(pristine.get(n)));
        }
    }

    private void secondApplyChangesNothing(Path playbook, Path vars) throws IOException {
        PlaybookBed.assertNothingChanged(playbook("apply", playbook, vars), "a second apply");
    }

    // ---- the CLI

    private Path recipe(String relative) {
        var playbook = VigilHome.home().resolve("playbooks").resolve(relative);
        assumeTrue(Files.isRegularFile(playbook), () -> "skipping: the recipe " + relative
                + " is not in the distribution yet (" + playbook + ")");
        return playbook;
    }

    private List<String> hostArgs() {
        return HOSTS_FROM_INVENTORY
                ? List.of("--inventory", pb.inventoryFile().toString())
                : List.of("--config", pb.clusterFile().toString());
    }

    /** {@code vigil playbook plan|apply PLAYBOOK --vars F <hosts> --json}: {@link PlaybookBed#playbook}. */
    private JsonNode playbook(String verb, Path playbook, Path vars) throws IOException {
        var args = new ArrayList<>(hostArgs());
        if (verb.equals("apply") && OPERATOR_STATE_DIR) {
            args.addAll(List.of("--state-dir", pb.journalDir().toString()));
        }
        return pb.playbook(CLI_TIMEOUT, logDir, verb, playbook, vars, args);
    }

    private List<String> undoArgs(String run) {
        var args = new ArrayList<>(List.of("playbook", "undo", run));
        if (UNDO_NEEDS_HOSTS) args.addAll(hostArgs());
        if (OPERATOR_STATE_DIR) args.addAll(List.of("--state-dir", pb.journalDir().toString()));
        return args;
    }

    // ---- checks

    private static void assertSame(Map<String, Map<String, String>> before, Map<String, Map<String, String>> after, String what) {
        for (var node : before.keySet()) {
            var b = before.get(node);
            var a = after.get(node);
            var diff = new TreeMap<String, String>();
            for (var k : b.keySet()) if (!b.get(k).equals(a.get(k))) diff.put(k, b.get(k) + " -> " + a.get(k));
            for (var k : a.keySet()) if (!b.containsKey(k)) diff.put(k, "(new) " + a.get(k));
            assertThat(diff).as("%s: what changed on %s", what, node).isEmpty();
        }
    }

    /** Regular files ({@code f ...} entries) outside {@link #UNDO_IGNORES}: what undo must restore. */
    private static Map<String, String> regularFiles(Map<String, String> snapshot) {
        var m = new TreeMap<String, String>();
        snapshot.forEach((path, meta) -> {
            if (meta.startsWith("f ") && !path.startsWith("upper:") && UNDO_IGNORES.stream().noneMatch(path::startsWith)) {
                m.put(path, meta);
            }
        });
        return m;
    }

    private String awaitServedByAnyOf(Probe probe, List<String> nodes, Duration within) {
        try {
            return await("the client is served by one of " + nodes).atMost(within).pollInterval(Duration.ofMillis(200))
                    .until(() -> probe.servedBy().orElse(""), nodes::contains);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; VIP on " + vipHolders() + "; logs in " + logDir + "\n" + pb.agentLogs(), e);
        }
    }

    private String vipHolders() {
        try {
            return pb.bed().vipHolders().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The operator's files (cluster file, vars) and the agents' logs, kept under target/ for whoever reads a failure. */
    private static void log(String format, Object... args) {
        System.out.println("PlaybookBedIT: " + String.format(format, args));
    }
}
