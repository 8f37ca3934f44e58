package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.transport.serial.SocatPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The serial link wizard on the namespace bed: two real agents, each a process in its node's
 * namespaces (started from the node's own cluster file, their TCP control ports on the nodes'
 * addresses), a null-modem cable made by socat as a pty pair whose ends both nodes see (they share
 * this machine's /tmp and /dev/pts), and {@code vigil console} from the distribution in the bed's
 * client namespace ({@link BedConsole}) with an operator logged in through the real OpenSSH client
 * in tmux at 80x24. The cable tested through both agents: OK with its counts and RTT; then the
 * cable really pulled (socat killed by its PID; each port left as a pty that leads nowhere, as a
 * serial port with no cable in it): NO_LINK, node_b heard nothing, "the cable is absent"; the cable
 * put back and tested OK again; then the offer taken: the recipe's plan and apply over SSH put the
 * link into each node's cluster file, with the tested devices, and the running cluster takes the
 * new version. Every test audited with its verdict.
 */
@Tag("integration")
class SerialWizardBedIT {
    static final String OPERATOR = "otto";
    /** 2 s of probes, one each 50 ms. */
    static final String DURATION = "2s";
    static final long PROBES = 40;
    /** A plan or an apply over SSH on two nodes: connecting, facts, each step within its own timeout (60 s). */
    private static final Duration RUN = Duration.ofMinutes(3);
    /** The agents' first start (JVMs) and their join at the fast preset (dead after 1 s, first start 10 s). */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** The test's verdict: duration, the echoer's 3 s after the last probe, polling; and SSH's redraws. */
    private static final Duration VERDICT = Duration.ofSeconds(30);

    private PlaybookBed pb;
    private BedConsole console;
    private Path dir;
    private final List<Process> loosePorts = new ArrayList<>();
    private SocatPair cable;

    @BeforeEach
    void up() throws Exception {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the serial wizard on the bed: " + why.orElse(""));
        assumeTrue(SocatPair.available(), "skipping: the serial wizard's bed test needs socat");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "skipping: the serial wizard's bed test needs tmux");
        assumeTrue(Files.isRegularFile(VigilHome.home().resolve("playbooks/serial-link/playbook.yaml")), "no distribution");
        dir = Files.createTempDirectory("vserialbed");
        pb = PlaybookBed.up(2, false, dir);
        // The console must hold the cluster key to reach the agents' control ports: one key, in a
        // directory the nodes see too (this machine's /tmp), named by the cluster file both read.
        var key = dir.resolve("authkey");
        var bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        Files.writeString(key, java.util.Base64.getEncoder().encodeToString(bytes) + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(pb.clusterFile(), pb.expand(PlaybookBed.CLUSTER_TEMPLATE.replace(PlaybookBed.NODE_AUTHKEY, key.toString())));
        pb.installClusterFileOnNodes();
        pb.startAgents();
        await("both agents see both nodes").atMost(STARTUP).pollInterval(Duration.ofMillis(200)).until(() -> pb.bed().nodes().stream()
                .allMatch(n -> pb.status(n).map(s -> s.members().containsAll(pb.bed().nodes())).orElse(false)));
        cable = new SocatPair(Files.createDirectories(dir.resolve("cable")));
        cable.start();
        var recipes = Files.createDirectories(dir.resolve("recipes"));
        Commands.run(List.of("cp", "-r", VigilHome.home().resolve("playbooks/serial-link").toString(), recipes.toString()), null,
                Duration.ofSeconds(10));
        console = new BedConsole(pb, dir, recipes, Map.of(OPERATOR, "operator"));
        console.login(OPERATOR);
    }

    @AfterEach
    void down() throws Exception {
        try {
            if (console != null) console.close();
            removeLoosePorts();
            if (cable != null) cable.close();
        } finally {
            PlaybookBed.tearDown(pb, dir, Path.of("target/playbook-it/serial-wizard").toAbsolutePath());
        }
    }

    @Test
    void theCableTestedThroughTwoNodesAgentsPulledPutBackAndAdded() throws Exception {
        long t0 = System.nanoTime();
        String a = pb.bed().nodes().get(0);
        String b = pb.bed().nodes().get(1);
        long before = pb.status(a).orElseThrow().configVersion();
        console.keys(OPERATOR, "w");
        console.awaitScreen(OPERATOR, "Recipes in ");
        console.keys(OPERATOR, "Home", "Enter");
        console.awaitScreen(OPERATOR, "serial-link: answers (1/5)");
        // node fields offer the nodes the console's agent reports
        console.keys(OPERATOR, "Right");
        console.awaitScreen(OPERATOR, "< " + a + " >");
        console.keys(OPERATOR, "Down");
        console.replace(OPERATOR, cable.a.toString());
        console.keys(OPERATOR, "Down", "Right", "Right");
        console.awaitScreen(OPERATOR, "< " + b + " >");
        console.keys(OPERATOR, "Down");
        console.replace(OPERATOR, cable.b.toString());
        console.keys(OPERATOR, "Down", "Down"); // baud 19200 as it is; duration
        console.replace(OPERATOR, DURATION);
        console.keys(OPERATOR, "Enter");
        console.awaitScreen(OPERATOR, "serial-link: testing the cable");
        console.awaitScreen(OPERATOR, "Verdict: OK", VERDICT);
        var ok = console.screen(OPERATOR);
        assertThat(ok).contains("sent " + PROBES + "  back " + PROBES + "  corrupted 0  lost 0")
                .contains("heard " + PROBES + "  echoed " + PROBES).contains("RTT p50 ").contains("add it to the cluster");
        log("OK through both agents %d ms after the first key", since(t0));

        // The cable pulled: socat killed by its PID; each node's port stays, a pty with nothing at its far end.
        cable.kill();
        loosePorts.add(loosePort(cable.a));
        loosePorts.add(loosePort(cable.b));
        console.keys(OPERATOR, "r");
        console.awaitScreen(OPERATOR, "Verdict: NO_LINK", VERDICT);
        assertThat(console.screen(OPERATOR)).contains("sent " + PROBES + "  back 0").contains("heard 0  echoed 0").contains("heard nothing")
                .contains("the cable is absent");

        // Put back (a new socat at the same paths), tested again, and the offer taken.
        removeLoosePorts();
        cable.start();
        console.keys(OPERATOR, "r");
        console.awaitScreen(OPERATOR, "Verdict: OK", VERDICT);
        console.keys(OPERATOR, "a");
        console.awaitScreen(OPERATOR, "> serial-link: summary"); // the breadcrumb, cut at 80 columns
        assertThat(console.screen(OPERATOR)).contains(cable.a.toString()).contains(cable.b.toString());
        console.keys(OPERATOR, "Enter");
        console.awaitScreen(OPERATOR, "nothing has been changed yet", RUN);
        console.keys(OPERATOR, "a");
        console.awaitScreen(OPERATOR, "[y/N]");
        console.keys(OPERATOR, "y");
        console.awaitScreen(OPERATOR, "result (5/5", RUN);
        if (!console.screen(OPERATOR).contains("Done: a serial heartbeat link")) {
            var screens = new StringBuilder(console.screen(OPERATOR));
            for (int i = 0; i < 3; i++) { // the failed step's reason, below the counts
                console.keys(OPERATOR, "PgDn");
                Thread.sleep(300);
                screens.append(console.screen(OPERATOR));
            }
            throw new AssertionError("the apply failed:\n" + screens + "\n" + pb.agentLogs());
        }
        for (var n : pb.bed().nodes()) {
            var file = pb.ssh(n, Duration.ofSeconds(30), "cat " + PlaybookBed.NODE_CLUSTER_FILE).stdout();
            assertThat(file).as("the cluster file on %s", n).contains("type: serial").contains("between: [" + a + ", " + b + "]")
                    .contains(a + ": " + cable.a).contains(b + ": " + cable.b).contains("version: " + (before + 1));
        }
        // `vigil config apply` by the recipe's cluster step: the running cluster takes the new version
        await("the running cluster on the new version").atMost(Duration.ofSeconds(20)).until(() -> pb.bed().nodes().stream()
                .allMatch(n -> pb.status(n).map(s -> s.configVersion() == before + 1).orElse(false)));

        assertThat(Files.readAllLines(console.auditLog())).filteredOn(l -> l.contains("serial-test"))
                .extracting(l -> l.replaceAll(".*\"outcome\":\"([A-Za-z_]+).*", "$1"))
                .containsExactly("started", "OK", "started", "NO_LINK", "started", "OK");
        assertThat(Files.readString(console.auditLog())).contains("recipe-apply");
        console.keys(OPERATOR, "Enter");
        log("all but the teardown: %d ms", since(t0));
    }

    /** A serial port with no cable: a pty whose far end socat reads and throws away (nothing ever comes back). */
    private Process loosePort(Path link) throws IOException, InterruptedException {
        var p = new ProcessBuilder("socat", "-u", "pty,raw,echo=0,link=" + link, "OPEN:/dev/null")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(link)) {
            if (!p.isAlive() || System.nanoTime() > deadline) throw new IOException("socat did not make the port " + link);
            Thread.sleep(10);
        }
        return p;
    }

    /** The loose ports' socats killed by PID (each removes its link). */
    private void removeLoosePorts() throws InterruptedException {
        for (var p : loosePorts) {
            p.destroy();
            if (!p.waitFor(2, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
        loosePorts.clear();
    }

    private static long since(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.println("SerialWizardBedIT: " + String.format(format, args));
    }
}
