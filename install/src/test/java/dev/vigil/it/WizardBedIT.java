package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.ResourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The console's wizards end to end on the namespace bed: operators log into {@code vigil console}
 * (the distribution's, in the bed's client namespace, {@link BedConsole}) with the real OpenSSH
 * client in tmux at 80x24, and the console's hosts are the bed's two sshd nodes. One bed for every
 * case, in this order: a secret recipe applied (the secret in no log, audit line or saved vars
 * file) and a viewer refused; Cancel on each page of the NFS exports wizard leaving every node's
 * files as they were (checksums); the NFS exports wizard applied, the export served by
 * nfs-ganesha and read back with libnfs ({@code nfs-ls}, {@code nfs-cat}) through the floating IP;
 * then the cluster stopped (SIGTERM: each agent stops what it runs), and the Apache-on-a-shared-disk
 * wizard applied, its page served to the client through the floating IP.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WizardBedIT {
    static final String OPERATOR = "otto";
    static final String VIEWER = "vera";
    /** The catalogue lists the recipe directories by name: apache-shared-disk, bed-secret, nfs-server. */
    static final List<String> RECIPES = List.of("apache-shared-disk", "bed-secret", "nfs-server");
    static final String SECRET = "Wiz-s3cret-" + Long.toHexString(System.nanoTime());
    static final String SECRET_DIR = "/etc/vigil-wizard-secret";
    /** A recipe with a secret, written on every node (mode 0600). */
    static final String SECRET_RECIPE = """
            name: a token on every node
            hosts: all
            vars:
              token: {type: secret, description: "the token the service reads"}
              dir:   {type: path, default: %s, description: "where it is kept"}
            steps:
              - name: its directory
                directory: {path: "{{dir}}", mode: "0700"}
              - name: the token
                file: {path: "{{dir}}/token", content: "token={{token}}\\n", mode: "0600"}
            """.formatted(SECRET_DIR);
    /** The export on the shared disk (the nfs-server recipe's export_dir, under its mount_point) and a file in it. */
    static final String EXPORT_ON_DISK = "export";
    static final String HTDOCS_ON_DISK = "htdocs";
    /** A second client spec beside the bed's subnet: the wizard's list of clients, ganesha's Clients list. */
    static final String OTHER_CLIENT = "192.0.2.7";

    // ---- bounds, from configuration
    /** A plan or an apply over SSH on two nodes: connecting, facts, each step within its own timeout (60 s by default). */
    private static final Duration RUN = Duration.ofMinutes(3);
    /** First start of the agents: JVMs, probes, the group's starts (as PlaybookBedIT allows). */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** An agent's SIGTERM: it stops its group, each member within its stop timeout (the recipes' longest: 60 s, four members). */
    private static final Duration STOP = Duration.ofSeconds(60).multipliedBy(4).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT);

    private PlaybookBed pb;
    private BedConsole console;
    private Path dir;
    private Path logDir;
    private String vip;
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private long t0;

    @BeforeAll
    void up() throws Exception {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the wizards on the SSH bed: " + why.orElse(""));
        for (var tool : List.of("/usr/bin/ganesha.nfsd", "/usr/bin/nfs-cat", "/usr/bin/tmux")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "skipping: the wizards' bed test needs " + tool);
        }
        t0 = System.nanoTime();
        logDir = Path.of("target/playbook-it/wizards").toAbsolutePath();
        dir = Files.createTempDirectory("vwizbed");
        pb = PlaybookBed.up(2, false, dir);
        vip = pb.bed().vip();
        var recipes = Files.createDirectories(dir.resolve("recipes"));
        for (var r : List.of("nfs-server", "apache-shared-disk")) {
            var src = VigilHome.home().resolve("playbooks").resolve(r);
            assumeTrue(Files.isRegularFile(src.resolve("playbook.yaml")), () -> "skipping: " + src + " is not in the distribution");
            Commands.run(List.of("cp", "-r", src.toString(), recipes.toString()), null, Duration.ofSeconds(10));
        }
        Files.createDirectories(recipes.resolve("bed-secret"));
        Files.writeString(recipes.resolve("bed-secret/playbook.yaml"), SECRET_RECIPE);
        // What both recipes serve, on the shared disk before any node mounts it.
        pb.onSharedDisk("mkdir -p " + EXPORT_ON_DISK + " " + HTDOCS_ON_DISK
                + " && printf %s '" + nfsContent() + "' >" + EXPORT_ON_DISK + "/hello.txt"
                + " && printf '%s\\n' '" + page() + "' >" + HTDOCS_ON_DISK + "/index.html && chmod -R a+rX .");
        pb.installClusterFileOnNodes();
        console = new BedConsole(pb, dir, recipes, Map.of(OPERATOR, "operator", VIEWER, "viewer"));
        console.login(OPERATOR);
        log("bed, console and ssh login up in %d ms", sinceStart());
    }

    @AfterAll
    void down() throws Exception {
        try {
            if (console != null) console.close();
        } finally {
            PlaybookBed.tearDown(pb, dir, logDir);
            log("all cases and the teardown: %d ms", sinceStart());
        }
    }

    private String nfsContent() {
        return "read back over NFS from bed " + pb.bed().name();
    }

    private String page() {
        return "the site of bed " + pb.bed().name() + ", served by apache set up in a wizard";
    }

    // ---- the cases

    @Test
    @Order(1)
    void aSecretIsInNoLogAuditOrSavedVars() throws Exception {
        open(OPERATOR, "bed-secret");
        console.type(OPERATOR, SECRET);
        console.awaitScreen(OPERATOR, "*".repeat(SECRET.length()));
        applyTheForm(OPERATOR, "bed-secret", "a token on every node");
        for (var n : pb.bed().nodes()) {
            var read = pb.ssh(n, Duration.ofSeconds(30), "cat " + SECRET_DIR + "/token && stat -c %a " + SECRET_DIR + "/token");
            assertThat(read.stdout()).as("the token on %s", n).isEqualTo("token=" + SECRET + "\n600\n");
        }
        var run = onlyRun("bed-secret");
        var secrets = run.resolve("secrets.yaml");
        assertThat(Files.readString(secrets)).contains(SECRET);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
        assertThat(Files.readString(run.resolve("vars.yaml"))).doesNotContain(SECRET).contains("token");
        assertThat(Files.readString(console.auditLog())).doesNotContain(SECRET).contains("recipe-apply");
        assertThat(console.screen(OPERATOR)).doesNotContain(SECRET);
        console.keys(OPERATOR, "Enter");
        console.awaitScreen(OPERATOR, "Recipes in ");

        // Last, with everything written: the console's own log.
        assertThat(console.consoleLog()).doesNotContain(SECRET);
        log("secret: %d ms since start", sinceStart());
    }

    @Test
    @Order(2)
    void aViewerCannotApplyAndCancelOnEveryPageOfTheNfsWizardChangesNothing() throws Exception {
        var before = pb.snapshotAll();
        var savedBefore = console.savedRuns();
        var auditBefore = Files.readAllLines(console.auditLog()).size();
        // A viewer works out the plan (it changes nothing) but cannot start the apply.
        console.login(VIEWER);
        open(VIEWER, "bed-secret");
        console.type(VIEWER, "viewer-" + SECRET);
        console.keys(VIEWER, "Enter");
        console.awaitScreen(VIEWER, "bed-secret: summary (2/5)");
        console.keys(VIEWER, "Enter");
        console.awaitScreen(VIEWER, "Plan: ", RUN);
        console.keys(VIEWER, "a");
        console.awaitScreen(VIEWER, "refused: recipe-apply needs the operator role");
        assertThat(console.screen(VIEWER)).doesNotContain("[y/N]");
        console.keys(VIEWER, "y");
        console.keys(VIEWER, "Escape");
        console.awaitScreen(VIEWER, "Recipes in ");
        assertThat(Files.readAllLines(console.auditLog())).filteredOn(l -> l.contains(VIEWER)).singleElement().asString()
                .contains("recipe-apply").contains("refused");
        assertThat(Files.readString(console.auditLog())).doesNotContain(SECRET);
        auditBefore++; // the viewer's refusal
        for (var page : List.of("plan", "summary", "form")) cancelTheNfsWizardOn(page);

        assertThat(pb.snapshotAll()).as("every node's files after the viewer's refusal and Cancel on each page").isEqualTo(before);
        assertThat(console.savedRuns()).as("nothing saved").isEqualTo(savedBefore);
        assertThat(Files.readAllLines(console.auditLog())).as("nothing audited").hasSize(auditBefore);
        log("viewer and cancel on every page: %d ms since start", sinceStart());
    }

    @Test
    @Order(3)
    void nfsExportsThroughTheWizardReadBackWithLibnfsThroughTheFloatingIp() throws Exception {
        open(OPERATOR, "nfs-server");
        fillNfs(OPERATOR);
        applyTheForm(OPERATOR, "nfs-server", "HA NFS server");
        console.keys(OPERATOR, "Enter");
        console.awaitScreen(OPERATOR, "Recipes in ");
        var run = onlyRun("nfs-server");
        assertThat(Files.readString(run.resolve("vars.yaml")))
                .contains("clients: \"" + pb.expand("${SUBNET}") + "," + OTHER_CLIENT + "\"")
                .contains("options: \"rw,sync,no_root_squash,subtree_check\"");
        for (var n : pb.bed().nodes()) {
            var cluster = pb.ssh(n, Duration.ofSeconds(30), "cat " + PlaybookBed.NODE_CLUSTER_FILE);
            assertThat(cluster.stdout()).as("the cluster file on %s", n).contains("nfs-export")
                    .contains(pb.expand("${SUBNET}") + "," + OTHER_CLIENT);
        }
        startAgents();
        var export = pb.bed().mountPoint() + "/" + EXPORT_ON_DISK;
        var cat = awaitClient(List.of("nfs-cat", "nfs://" + vip + export + "/hello.txt"), nfsContent());
        var ls = pb.bed().client(Duration.ofSeconds(10), "nfs-ls", "nfs://" + vip + export);
        assertThat(ls.stdout()).as("nfs-ls of the export: %s", ls.all()).contains("hello.txt");
        log("nfs-cat through %s: '%s'; %d ms since start", vip, cat.strip(), sinceStart());
    }

    @Test
    @Order(4)
    void apacheOnTheSharedDiskThroughTheWizardServesTheClientThroughTheFloatingIp() throws Exception {
        // The NFS server's cluster leaves: each agent stops its group on SIGTERM, the standby first.
        stopAgents();
        assertThat(pb.bed().vipHolders()).as("the floating IP after the cluster stopped").isEmpty();
        pb.installClusterFileOnNodes(); // a fresh cluster file: the apache group alone
        open(OPERATOR, "apache-shared-disk");
        fillTheSharedDiskQuestions(OPERATOR);
        console.keys(OPERATOR, "Down", "Down", "Down"); // port 80, server_name
        primary(OPERATOR);
        console.keys(OPERATOR, "Down");
        console.replace(OPERATOR, "2s");
        applyTheForm(OPERATOR, "apache-shared-disk", "apache on a shared disk");
        startAgents();
        awaitClient(List.of("curl", "-sf", "-m", "2", "http://" + vip + "/"), page());
        log("apache served through %s; %d ms since start", vip, sinceStart());
        // the secrets typed in the first two cases: in none of the console's logs at the end
        assertThat(console.consoleLog()).doesNotContain(SECRET);
        assertThat(Files.readString(console.auditLog())).doesNotContain(SECRET);
    }

    // ---- driving the wizards

    /** From the dashboard or the catalogue: {@code w}, the recipe, Enter: its form. */
    private void open(String user, String recipe) throws IOException {
        if (!console.screen(user).contains("Recipes in ")) {
            console.keys(user, "w");
            console.awaitScreen(user, "Recipes in ");
        }
        console.keys(user, "Home");
        for (int i = 0; i < RECIPES.indexOf(recipe); i++) console.keys(user, "Down");
        console.keys(user, "Enter");
        console.awaitScreen(user, recipe + ": answers (1/5)");
    }

    /**
     * The NFS exports wizard opened, filled and cancelled with Esc on {@code page} (form, summary
     * or plan); on the plan the apply's confirmation is declined first.
     */
    private void cancelTheNfsWizardOn(String page) throws IOException {
        open(OPERATOR, "nfs-server");
        fillNfs(OPERATOR);
        if (!page.equals("form")) {
            console.keys(OPERATOR, "Enter");
            console.awaitScreen(OPERATOR, "nfs-server: summary (2/5)");
        }
        if (page.equals("plan")) {
            console.keys(OPERATOR, "Enter");
            console.awaitScreen(OPERATOR, "nothing has been changed yet", RUN);
            console.keys(OPERATOR, "a");
            console.awaitScreen(OPERATOR, "[y/N]");
            console.keys(OPERATOR, "n");
            console.awaitScreen(OPERATOR, "nfs-server: plan (3/5)");
        }
        console.keys(OPERATOR, "Escape");
        console.awaitScreen(OPERATOR, "Recipes in ");
    }

    /** The form filled in: Enter, the summary, Enter, the plan (its time from the summary logged), a, y, the result. */
    private void applyTheForm(String user, String recipe, String title) throws IOException {
        console.keys(user, "Enter");
        console.awaitScreen(user, recipe + ": summary (2/5)");
        long summary = System.nanoTime();
        console.keys(user, "Enter");
        console.awaitScreen(user, "nothing has been changed yet", RUN);
        log("%s: the plan on screen %d ms after the summary's Enter (2 hosts over SSH)", recipe, (System.nanoTime() - summary) / 1_000_000);
        console.keys(user, "a");
        console.awaitScreen(user, "[y/N]");
        console.keys(user, "y");
        console.awaitScreen(user, "Done: " + title, RUN);
        log("%s applied: %d ms since start", recipe, sinceStart());
    }

    /**
     * The NFS exports form for this bed, field by field in the recipe's order (vip, cidr_netmask,
     * nic, device, fstype, mount_point, export_dir, clients, options, fsid, protocols,
     * grace_period, state_dir, primary): a wrong client shown with its reason when left, then
     * fixed; the options' last set (subtree checking) picked with → and Space.
     */
    private void fillNfs(String user) throws IOException {
        fillTheSharedDiskQuestions(user);
        console.keys(user, "Down");
        console.replace(user, pb.bed().mountPoint() + "/" + EXPORT_ON_DISK);
        console.keys(user, "Down");
        console.replace(user, "10.0.0.0/33");
        console.keys(user, "Down");
        console.awaitScreen(user, "! '10.0.0.0/33' is not a network");
        console.keys(user, "Up");
        console.replace(user, pb.expand("${SUBNET}") + ", " + OTHER_CLIENT);
        console.keys(user, "Down");
        console.awaitScreen(user, "one of each: ro/rw");
        console.keys(user, "Right", "Right", "Right", "Space");
        console.awaitScreen(user, "<subtree_check>");
        console.keys(user, "Down", "Down", "Down"); // fsid 1, protocols 3,4
        console.replace(user, "10");
        console.keys(user, "Down", "Down"); // state_dir
        primary(user);
        assertThat(console.screen(user)).doesNotContain("! '");
    }

    /**
     * The first six questions both recipes ask, in their order: the floating IP, its prefix, the
     * NIC, the shared disk, its filesystem (ext4, the default), the mount point; the last one current.
     */
    private void fillTheSharedDiskQuestions(String user) throws IOException {
        console.type(user, vip);
        console.keys(user, "Down");
        console.replace(user, pb.expand("${PREFIX}"));
        console.keys(user, "Down");
        console.type(user, "eth0");
        console.keys(user, "Down");
        console.type(user, pb.bed().disk());
        console.keys(user, "Down", "Down");
        console.replace(user, pb.bed().mountPoint().toString());
    }

    /**
     * The {@code node} field: typed while no agent has answered the console, else chosen with →
     * among the nodes the agents report (the first, ha1).
     */
    private void primary(String user) throws IOException {
        String node = pb.bed().nodes().get(0);
        console.awaitScreen(user, "> primary");
        if (console.screen(user).contains("< (choose) >")) {
            console.keys(user, "Right");
            console.awaitScreen(user, "< " + node + " >");
        } else {
            console.type(user, node);
        }
    }

    private Path onlyRun(String recipe) throws IOException {
        var runs = console.savedRuns().stream().filter(p -> p.getFileName().toString().startsWith(recipe + "-")).toList();
        assertThat(runs).as("saved runs of %s", recipe).hasSize(1);
        return runs.get(0);
    }

    // ---- the cluster and its client

    private void startAgents() throws IOException {
        for (var n : pb.bed().nodes()) agents.put(n, pb.startAgent(n));
    }

    /** SIGTERM to the agent that runs nothing first, then to the other: each stops its own resources and leaves. */
    private void stopAgents() throws Exception {
        var holders = pb.bed().vipHolders();
        var order = new ArrayList<>(agents.keySet());
        order.sort((a, b) -> Boolean.compare(holders.contains(a), holders.contains(b)));
        for (var n : order) {
            var p = agents.get(n);
            p.destroy();
            assertThat(p.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)).as("the agent on %s stopped within %s", n, STOP).isTrue();
        }
        agents.clear();
    }

    /** Runs {@code cmd} from the client until it prints {@code expected} (bounded by {@link #STARTUP}); its output. */
    private String awaitClient(List<String> cmd, String expected) {
        try {
            return await(String.join(" ", cmd)).atMost(STARTUP).pollInterval(Duration.ofMillis(300)).until(() -> {
                // a try during ganesha's grace period or before the address is up can hang: bounded, then asked again
                try {
                    var r = pb.bed().client(Duration.ofSeconds(5), cmd.toArray(String[]::new));
                    return r.exit() == 0 ? Optional.of(r.stdout()) : Optional.<String>empty();
                } catch (IOException e) {
                    return Optional.<String>empty();
                }
            }, o -> o.filter(s -> s.contains(expected)).isPresent()).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + pb.agentLogs(), e);
        }
    }

    private long sinceStart() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.println("WizardBedIT: " + String.format(format, args));
    }
}
