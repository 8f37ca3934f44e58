package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, item 3: watchdog self-fencing without power fencing. Three bed nodes (the cheapest
 * cluster whose quorum honestly survives losing one: two nodes and a ping target would let both
 * halves of a cut keep quorum), at the {@code lan} preset (at {@code fast}, a load average of 26
 * made a survivor declare its healthy peer dead), a floating IP preferring ha1, a watchdog stand-in per node
 * ({@code bed/watchdog-standin}: a FIFO the agent pets and a process that "resets" the node, every
 * process of its network and mount namespaces killed, its addresses flushed, its links down, when
 * no pet arrives within the timeout; there is no /dev/watchdog here and no softdog to load).
 *
 * <p>ha1's agent is frozen with SIGSTOP while it holds the VIP: its petting stops with it, the
 * stand-in resets ha1 within the timeout plus its check period of the last pet, and the survivors
 * start the VIP no sooner than watchdog timeout x 2 after they declared ha1 lost. Never two VIP
 * holders: every address change in every node's namespace is recorded with its time by
 * {@code ip -ts monitor address}, one long-running process per node (events, not samples: finer
 * than the 10 ms sampling the issue asks for, and no fork per sample).
 */
@Tag("integration")
class WatchdogBedIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How often the stand-in judges; it runs at real-time priority like the agent's petter. */
    private static final Duration CHECK = Duration.ofMillis(100);
    /** JVMs starting and a cluster forming on a loaded 2-core machine. */
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Pattern MONITOR = Pattern.compile("^\\[([0-9T:.\\-]+)] (Deleted )?\\d+: \\S+\\s+inet (\\S+)/");

    private static final String TEMPLATE = """
            cluster: wd
            auth: {keyfile: KEYFILE}
            timing: {preset: lan}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}}
            groups:
              - {id: www, members: [vip], prefer: ha1}
            watchdog:
              timeout: 2s
              device: WATCHDOG_DEVICES
            """;

    private BedCluster cluster;
    private Path workDir;
    private final List<Process> helpers = new ArrayList<>();

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the watchdog test on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("vwd");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (var p : helpers) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (cluster != null) {
                cluster.closeLeavingNothing();
            }
        } finally {
            BedCluster.keepLogsAndDelete(workDir, "watchdog-it");
        }
    }

    @Test
    void aFrozenAgentsNodeIsResetAndTheSurvivorsStartTheVipOnlyAfterTwiceTheTimeout() throws Exception {
        var devices = new StringBuilder("{");
        for (var n : List.of("ha1", "ha2", "ha3")) {
            devices.append(devices.length() > 1 ? ", " : "").append(n).append(": ").append(workDir.resolve(n + ".wd"));
        }
        cluster = BedCluster.create(3, workDir, TEMPLATE.replace("WATCHDOG_DEVICES", devices + "}"));
        var bed = cluster.bed();
        for (var n : bed.nodes()) {
            helpers.add(new ProcessBuilder("chrt", "-r", "1", VigilHome.home().resolve("bed/watchdog-standin").toString(),
                    "--fifo", workDir.resolve(n + ".wd").toString(), "--timeout", String.valueOf(TIMEOUT.toSeconds()),
                    "--check", String.valueOf(CHECK.toMillis() / 1000.0), "--netns", bed.namespace(n),
                    "--mntns", bed.mountNamespace(n).toString())
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("standin-" + n + ".log").toFile()).start());
            var monitor = new ProcessBuilder("ip", "-ts", "-n", bed.namespace(n), "monitor", "address")
                    .redirectErrorStream(true).redirectOutput(workDir.resolve("addresses-" + n + ".log").toFile());
            monitor.environment().put("TZ", "UTC");
            helpers.add(monitor.start());
        }
        for (var n : bed.nodes()) {
            await(n + "'s stand-in ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> standInEvents(n).stream().anyMatch(l -> l.contains(" ready ")));
        }
        cluster.startAll();
        await("three members, the VIP on ha1, every watchdog petted").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    for (var n : bed.nodes()) {
                        var s = cluster.status(n);
                        assertThat(s).as("%s answers", n).isPresent();
                        assertThat(s.get().members()).as("%s's view", n).hasSize(3);
                        assertThat(cluster.runningOn(n, "vip")).as("vip as %s sees it", n).containsExactly("ha1");
                        assertThat(s.get().watchdog().state()).as("%s's watchdog", n).isEqualTo("petting");
                    }
                    assertThat(bed.vipHolders()).containsExactly("ha1");
                });
        var ha1 = cluster.agents().process("ha1");
        long wallStart = System.currentTimeMillis();

        var stop = HaBed.run(List.of("kill", "-STOP", String.valueOf(ha1.pid())), Duration.ofSeconds(10));
        Instant stopped = Instant.now();
        assertThat(stop.exit()).isZero();

        await("ha1 reset by its stand-in").atMost(TIMEOUT.plus(CHECK).plusSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> standInEvents("ha1").stream().anyMatch(l -> l.contains(" reset ")));
        var reset = standInEvents("ha1").stream().filter(l -> l.contains(" reset ")).findFirst().orElseThrow();
        Instant lastPet = field(reset, "last-pet");
        Instant decided = field(reset, "decided");
        assertThat(lastPet).as("ha1's last pet came before the freeze ended it").isBefore(stopped);
        assertThat(Duration.between(lastPet, decided))
                .as("reset within the timeout plus the stand-in's check period (and one more for its own wake-up)")
                .isLessThanOrEqualTo(TIMEOUT.plus(CHECK.multipliedBy(2)));
        assertThat(ha1.waitFor(10, TimeUnit.SECONDS)).as("the frozen agent was killed by the reset").isTrue();

        await("the VIP started on a survivor").atMost(SETTLE).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(bed.vipHolders()).containsExactly("ha2"));
        var lostAt = cluster.agents().firstLogged("ha2", "node ha1 is dead").orElseThrow().toInstant(ZoneOffset.UTC);
        var added = vipAdded("ha2", stopped);
        assertThat(Duration.between(lostAt, added))
                .as("the VIP starts on ha2 no sooner than watchdog timeout x 2 after ha2 declared ha1 lost")
                .isGreaterThanOrEqualTo(TIMEOUT.multipliedBy(2));
        assertThat(added).as("and after ha1 was reset").isAfter(decided);
        assertThat(cluster.status("ha2").orElseThrow().resources().lost()).contains("ha1");
        assertNeverTwoHolders(bed, stopped);
        log("freeze at %s, last pet %s, reset decided %d ms after it, ha1 lost at %s, VIP on ha2 %d ms after that;"
                        + " %d s in all", stopped, lastPet, Duration.between(lastPet, decided).toMillis(), lostAt,
                Duration.between(lostAt, added).toMillis(), (System.currentTimeMillis() - wallStart) / 1000);
    }

    /**
     * From every node's address events since before the agents started: at no moment did two nodes
     * hold the VIP, and after the freeze ha1 lost it (its reset) before ha2 took it.
     */
    private void assertNeverTwoHolders(HaBed bed, Instant stopped) throws IOException {
        record Change(Instant at, String node, boolean added) {}
        var changes = new ArrayList<Change>();
        for (var n : bed.nodes()) {
            for (var l : Files.readAllLines(workDir.resolve("addresses-" + n + ".log"))) {
                Matcher m = MONITOR.matcher(l);
                if (m.find() && m.group(3).equals(bed.vip())) {
                    changes.add(new Change(LocalDateTime.parse(m.group(1)).toInstant(ZoneOffset.UTC), n, m.group(2) == null));
                }
            }
        }
        changes.sort(java.util.Comparator.comparing(Change::at));
        var holders = new HashSet<String>(); // the monitors started before the agents
        var seen = new LinkedHashMap<Instant, String>();
        for (var c : changes) {
            if (c.added()) holders.add(c.node()); else holders.remove(c.node());
            seen.put(c.at(), (c.added() ? "+" : "-") + c.node());
            assertThat(holders).as("VIP holders after %s (changes so far: %s)", c, seen).hasSizeLessThanOrEqualTo(1);
        }
        // Then: a later change is possible (at a load average of 26 a survivor once lost quorum to a
        // flapping peer and stopped the VIP, as it must); the safety check is the loop above.
        assertThat(changes.stream().filter(c -> c.at().isAfter(stopped)).map(c -> (c.added() ? "+" : "-") + c.node())
                .limit(2)).containsExactly("-ha1", "+ha2");
    }

    /** When the VIP was added on {@code node} after {@code since}. */
    private Instant vipAdded(String node, Instant since) throws IOException {
        for (var l : Files.readAllLines(workDir.resolve("addresses-" + node + ".log"))) {
            Matcher m = MONITOR.matcher(l);
            if (m.find() && m.group(2) == null && m.group(3).equals(cluster.bed().vip())) {
                var at = LocalDateTime.parse(m.group(1)).toInstant(ZoneOffset.UTC);
                if (at.isAfter(since)) return at;
            }
        }
        throw new AssertionError("no VIP added on " + node);
    }

    private List<String> standInEvents(String node) throws IOException {
        var f = workDir.resolve("standin-" + node + ".log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    private static Instant field(String line, String name) {
        Matcher m = Pattern.compile(name + "=([0-9.]+)").matcher(line);
        assertThat(m.find()).as("%s in %s", name, line).isTrue();
        return Instant.ofEpochMilli(Math.round(Double.parseDouble(m.group(1)) * 1000));
    }

    private static void log(String format, Object... args) {
        System.out.println("WatchdogBedIT: " + String.format(format, args));
    }
}
