package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.bench.AmqpFailoverProbe;
import dev.vigil.bench.FailoverTally;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The rabbitmq recipe applied over SSH on a three-node bed ({@link PlaybookBed}), the agents
 * started from the cluster file it wrote, then the worst case for a client: the node holding the
 * floating IP (its haproxy, its RabbitMQ, maybe the queue's leader) is killed while a publisher in
 * the client namespace publishes persistent messages with confirms through the IP to a quorum
 * queue. Asserted: every confirmed message is consumed afterwards exactly once (no confirmed
 * message lost, no message delivered twice: the publisher never republishes, so a duplicate could
 * only come from the broker), publishing resumes within a bound that follows from the cluster's
 * timing, and the queue is a quorum queue.
 *
 * <p>Machine-global resources: none beyond the bed's (unique names from {@link HaBed}); RabbitMQ's
 * ports (epmd 4369, 25672, 5673) and haproxy's 5672 are inside each node's network namespace.
 * Needs root, openssh-server, haproxy and rabbitmq-server (not its service: the cluster runs it).
 */
@Tag("integration")
class RabbitMqRecipeBedIT {
    static final String PLAYBOOK = "rabbitmq/playbook.yaml";
    static final String USER = "probe";
    static final String PASSWORD = "bed-password-0123";
    static final String VHOST = "/vigil";
    static final String QUEUE = "orders";
    static final String VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            node1: ha1
            node2: ha2
            node3: ha3
            primary: ${FIRST_NODE}
            amqp_user: %s
            amqp_password: %s
            erlang_cookie: %s
            """;

    /** Confirmed messages before the kill, and after it (the publisher then stops). */
    static final int BEFORE = 100;
    static final int AFTER = 50;

    private static final Duration KEEPALIVE = TimingPreset.FAST.timing().keepalive();
    /** The bed's fence devices' timeout (BedCluster's fencing yaml). */
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20);
    /**
     * From the kill to confirms again: detection, the fence, the IP's start (within its timeout),
     * then what RabbitMQ and haproxy take: a quorum queue elects a new leader (Raft, a few election
     * timeouts) and haproxy marks the dead backend down (2 checks 2 s apart) or redispatches; the
     * publisher's own connect and confirm timeouts (2 s, 5 s) bound each attempt.
     */
    private static final Duration GAP_BOUND = Timing.JOINING_DEADTIME.plus(KEEPALIVE).plus(FENCE_TIMEOUT)
            .plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT).plus(Duration.ofSeconds(30));
    /** The agents' first start: JVMs, then three RabbitMQ nodes booting together (init script start). */
    private static final Duration STARTUP = Duration.ofSeconds(240);
    /** The apply over SSH: the clustering step starts, joins and stops three brokers. */
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(8);

    private PlaybookBed pb;
    private Path dir;
    private Path logDir;
    private final List<Process> probes = new ArrayList<>();

    @BeforeEach
    void checkHost(TestInfo info) throws IOException {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the rabbitmq recipe on the SSH bed: " + why.orElse(""));
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/rabbitmq-server")), "skipping: needs rabbitmq-server");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/haproxy")), "skipping: needs haproxy");
        logDir = Path.of("target/playbook-it", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        dir = Files.createTempDirectory("vrmq");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (var p : probes) {
            if (p.isAlive()) p.destroyForcibly();
        }
        for (var p : probes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        PlaybookBed.tearDown(pb, dir, logDir);
    }

    @Test
    void messagesConfirmedBeforeTheVipHoldersDeathAreConsumedAfterIt() throws Exception {
        var playbook = VigilHome.home().resolve("playbooks").resolve(PLAYBOOK);
        assertThat(playbook).isRegularFile();
        long t0 = System.nanoTime();
        pb = PlaybookBed.up(3, false, dir);
        var bed = pb.bed();
        pb.installClusterFileOnNodes();
        var vars = pb.writeOperatorFile("vars.yaml", VARS.formatted(USER, PASSWORD, cookie()));

        var apply = pb.vigil(CLI_TIMEOUT, List.of("playbook", "apply", playbook.toString(), "--vars", vars.toString(),
                "--config", pb.clusterFile().toString()));
        Files.createDirectories(logDir);
        Files.writeString(logDir.resolve("apply.log"), apply.all());
        assertThat(apply.exit()).as("vigil playbook apply:%n%s", apply.all()).isZero();
        log("applied after %d s", secondsSince(t0));

        pb.startAgents();
        var published = dir.resolve("published.csv");
        var publisher = probe("publish", published, "--duration", "180s", "--interval", "20ms",
                "--first-within", STARTUP.toSeconds() + "s", "--resumed", Integer.toString(AFTER));
        await("confirmed messages through the floating IP").atMost(STARTUP.plusSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> !publisher.isAlive() || confirmed(published) >= BEFORE);
        assertThat(publisher.isAlive()).as("the publisher runs: %s", tail(published)).isTrue();
        log("%d confirmed after %d s", confirmed(published), secondsSince(t0));

        // The playbooks' promise, with the cluster running under the publisher: a plan and a second
        // apply of the same vars change nothing on any node and restart no broker.
        await("a RabbitMQ node running on every node").atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                .until(() -> brokers().values().stream().noneMatch(Set::isEmpty));
        var brokers = brokers();
        long t1 = System.nanoTime();
        var hosts = List.of("--config", pb.clusterFile().toString());
        // Both at once, to keep the test short: with nothing to change neither affects the other,
        // and were there something, the apply would change it and say so.
        var planner = Executors.newSingleThreadExecutor();
        try {
            var plan = planner.submit(() -> pb.playbook(CLI_TIMEOUT, logDir, "plan", playbook, vars, hosts));
            PlaybookBed.assertNothingChanged(pb.playbook(CLI_TIMEOUT, logDir, "apply", playbook, vars, hosts), "a second apply");
            PlaybookBed.assertNothingChanged(plan.get(), "a plan after the apply");
        } finally {
            planner.shutdownNow();
        }
        log("a plan and a second apply, side by side, changed nothing in %d s", secondsSince(t1));
        assertThat(brokers()).as("RabbitMQ's processes (pid@start) before the second apply: %s", brokers).isEqualTo(brokers);
        log("publishes failed since the first confirm: %s", failedSinceFirstConfirm(published));

        var holders = bed.vipHolders();
        assertThat(holders).as("the floating IP's holders").hasSize(1);
        var victim = holders.get(0);
        var queues = bed.exec(victim, Duration.ofSeconds(60), "timeout", "50", "rabbitmqctl", "-q", "list_queues",
                "-p", VHOST, "name", "type", "leader");
        log("queues on %s before the kill: %s", victim, queues.stdout().strip());
        assertThat(queues.stdout()).as("the queue the publisher declared").containsPattern(QUEUE + "\\s+quorum\\s+rabbit@ha\\d");

        pb.killNode(victim);
        log("killed %s (haproxy, the floating IP, RabbitMQ) after %d s", victim, secondsSince(t0));
        assertThat(publisher.waitFor(GAP_BOUND.toSeconds() + 60, TimeUnit.SECONDS))
                .as("the publisher ends once %d messages are confirmed after the failure: %s", AFTER, tail(published)).isTrue();
        assertThat(publisher.exitValue()).as("the publisher's exit: %s", tail(published)).isZero();

        var consumed = dir.resolve("consumed.csv");
        var consumer = probe("consume", consumed, "--within", "120s", "--idle", "3s");
        assertThat(consumer.waitFor(180, TimeUnit.SECONDS)).as("the consumer ends").isTrue();
        assertThat(consumer.exitValue()).as("the consumer's exit").isZero();

        var tally = FailoverTally.of(published, consumed);
        log("%s killed: %s (wall %d s)", victim, tally, secondsSince(t0));
        Files.copy(published, logDir.resolve("published.csv"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(consumed, logDir.resolve("consumed.csv"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(tally.confirmed()).as("confirmed").isGreaterThanOrEqualTo(BEFORE + AFTER);
        assertThat(tally.lost()).as("confirmed messages not consumed after the failover: %s", tally).isZero();
        assertThat(tally.duplicates()).as("messages consumed twice: %s", tally).isZero();
        assertThat(tally.failed()).as("the kill interrupted publishing: %s", tally).isPositive();
        assertThat(tally.gapMs()).as("publish gap (last confirm before the failure to the first after): %s", tally)
                .isPositive().isLessThanOrEqualTo(GAP_BOUND.toMillis());
    }

    /** {@link AmqpFailoverProbe} MODE as a JVM in the client namespace (the test's own class path), its output in the log dir. */
    private Process probe(String mode, Path out, String... options) throws IOException {
        var bed = pb.bed();
        var uri = "amqp://" + USER + ":" + PASSWORD + "@" + bed.vip() + ":5672/" + VHOST.replace("/", "%2F");
        var cmd = new ArrayList<>(List.of("ip", "netns", "exec", bed.clientNamespace(),
                ProcessHandle.current().info().command().orElse("java"), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), AmqpFailoverProbe.class.getName(),
                mode, uri, QUEUE, "--out", out.toString()));
        cmd.addAll(List.of(options));
        Files.createDirectories(logDir);
        var p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(mode + ".log").toFile())).start();
        probes.add(p);
        return p;
    }

    /**
     * Per node, its RabbitMQ node's Erlang VM as {@code pid@start} (a restart gives another start
     * time even where the pid is reused): the {@code beam.smp} booting {@code rabbit}, not the
     * short-lived ones of {@code rabbitmqctl} (the init script's status, the monitor). Its command
     * line is read from /proc: {@link ProcessHandle.Info#arguments} stops at the empty argument
     * RabbitMQ's script passes.
     */
    private Map<String, Set<String>> brokers() throws IOException {
        var m = new TreeMap<String, Set<String>>();
        for (var node : pb.bed().nodes()) {
            var vms = new TreeSet<String>();
            for (var pid : pb.bed().pids(node)) {
                var start = ProcessHandle.of(pid).map(ProcessHandle::info)
                        .filter(i -> i.command().orElse("").endsWith("/beam.smp")).flatMap(ProcessHandle.Info::startInstant);
                if (start.isPresent() && bootsRabbit(pid)) vms.add(pid + "@" + start.get());
            }
            m.put(node, vms);
        }
        return m;
    }

    private static boolean bootsRabbit(long pid) {
        try {
            var cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            return cmdline.contains("\0-s\0rabbit\0boot\0");
        } catch (IOException e) {
            return false; // gone since it was listed
        }
    }

    /** The publisher's failures after its first confirm (before it, the cluster was still starting). */
    private static List<String> failedSinceFirstConfirm(Path log) throws IOException {
        var lines = Files.readAllLines(log);
        int first = 0;
        while (first < lines.size() && !lines.get(first).contains(",confirmed,")) first++;
        return lines.subList(first, lines.size()).stream().filter(l -> l.contains(",failed,")).toList();
    }

    private static long confirmed(Path log) throws IOException {
        if (!Files.exists(log)) return 0;
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(",confirmed,")).count();
        }
    }

    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A fresh Erlang cookie per run: letters and digits, as the recipe's pattern wants. */
    private static String cookie() {
        var r = new SecureRandom();
        var sb = new StringBuilder();
        var chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < 32; i++) sb.append(chars.charAt(r.nextInt(chars.length())));
        return sb.toString();
    }

    private static long secondsSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toSeconds();
    }

    private static void log(String format, Object... args) {
        System.out.println("RabbitMqRecipeBedIT: " + String.format(format, args));
    }
}
