package dev.vigil.drill.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Probes from a "node" that is a JVM of its own on this machine ({@link SkewedVantageMain}, the
 * far half {@code vigil drill probe} runs), whose clock is an hour ahead: its samples must land
 * on the test's clock, inside the window the test saw, within the error the probes state.
 */
class VantageProbesTest {
    private static final List<String> JAVA = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), SkewedVantageMain.class.getName());

    @Test
    void samplesStampedWithTheNodesClockArePlacedOnTheDrillsAndTheOutageIsSeen() throws Exception {
        var server = server(0);
        int port = server.getAddress().getPort();
        var spec = new ProbeSpec("far", ProbeKind.HTTP, "http://127.0.0.1:" + port + "/", Duration.ofMillis(20),
                Duration.ofMillis(500), "ha3");
        var asked = new java.util.ArrayList<String>();
        long before = System.nanoTime();
        var probes = new VantageProbes(List.of(spec), node -> {
            asked.add(node);
            return JAVA;
        }, DrillClock.system());
        try (probes) {
            probes.start();
            assertThat(asked).containsExactly("ha3");
            awaitUntil(probes, s -> s.ok());
            server.stop(0);
            long stopped = System.nanoTime();
            awaitUntil(probes, s -> !s.ok() && s.startNanos() > stopped);
            server = server(port);
            long restarted = System.nanoTime();
            awaitUntil(probes, s -> s.ok() && s.startNanos() > restarted);
        } finally {
            server.stop(0);
        }
        long after = System.nanoTime();
        var samples = probes.samples();
        var note = probes.clockNote("far").orElseThrow();
        assertThat(note).startsWith("from ha3, stamped with its monotonic clock, placed on this machine's within ±");
        double errorMs = Double.parseDouble(note.replaceAll(".*within ±([0-9.]+) ms.*", "$1"));
        long slack = (long) Math.ceil(errorMs * 1e6) + 1_000_000; // the note rounds to 0.1 ms
        // Without the offset they would be an hour off; with it, inside the window the test watched.
        assertThat(samples).isNotEmpty().allSatisfy(s -> {
            assertThat(s.startNanos()).isBetween(before - slack, after + slack);
            assertThat(s.endNanos()).isGreaterThanOrEqualTo(s.startNanos());
        });
        assertThat(probes.last("far")).hasValueSatisfying(s -> assertThat(s.startNanos()).isEqualTo(
                samples.stream().mapToLong(ProbeSample::startNanos).max().orElseThrow()));
        assertThat(samples).filteredOn(ProbeSample::ok).first().satisfies(s -> assertThat(s.detail()).isEqualTo("200 node=ha7"));
    }

    @Test
    void aVantageThatCannotStartOrDiesIsAFailedSampleThatSaysWhy() throws Exception {
        var spec = new ProbeSpec("far", ProbeKind.TCP, "127.0.0.1:9", Duration.ofMillis(50), Duration.ofMillis(200), "ha9");
        try (var probes = new VantageProbes(List.of(spec), node -> List.of("sh", "-c", "echo ssh: connect to host " + node
                + " port 22: Connection refused; exit 255"), DrillClock.system())) {
            long t0 = System.nanoTime();
            probes.start();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("start does not wait for a vantage that ended")
                    .isLessThan(VantageProbes.START_TIMEOUT);
            assertThat(probes.last("far")).hasValueSatisfying(s -> {
                assertThat(s.ok()).isFalse();
                assertThat(s.detail()).isEqualTo("vantage ha9 lost: ssh: connect to host ha9 port 22: Connection refused");
            });
            assertThat(probes.clockNote("far")).contains("from ha9, whose clock could not be read");
        }
        try (var probes = new VantageProbes(List.of(spec), node -> List.of("/nonexistent/vigil"), DrillClock.system())) {
            probes.start();
            assertThat(probes.last("far")).hasValueSatisfying(s -> assertThat(s.detail()).startsWith("vantage ha9 not started: "));
        }
    }

    @Test
    void aDrillsProbesRunHereOrOnTheirNodeAndOnlyThere() throws Exception {
        var server = server(0);
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        var here = new ProbeSpec("here", ProbeKind.HTTP, url, Duration.ofMillis(20), Duration.ofMillis(500), ProbeSpec.LOCAL);
        var there = new ProbeSpec("there", ProbeKind.TCP, "127.0.0.1:" + server.getAddress().getPort(), Duration.ofMillis(20),
                Duration.ofMillis(500), "ha2");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new InProcessProbes(List.of(here, there), DrillClock.system())))
                .hasMessage("probe there runs from ha2, not from here: AllProbes.of starts it there");
        var started = new java.util.ArrayList<String>();
        try (var probes = AllProbes.of(List.of(here, there), DrillClock.system(), node -> {
            started.add(node);
            return JAVA;
        })) {
            probes.start();
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < end && !(probes.last("here").filter(ProbeSample::ok).isPresent()
                    && probes.last("there").filter(ProbeSample::ok).isPresent())) {
                Thread.sleep(10);
            }
            assertThat(started).containsExactly("ha2");
            assertThat(probes.last("here")).hasValueSatisfying(x -> assertThat(x.detail()).isEqualTo("200 node=ha7"));
            assertThat(probes.last("there")).hasValueSatisfying(x -> assertThat(x.detail()).isEqualTo("connected"));
            assertThat(probes.clockNote("here")).isEmpty();
            assertThat(probes.clockNote("there")).get().asString().startsWith("from ha2");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theFarHalfRefusesABadSpecAndTheClockEstimateKeepsTheShortestTrip() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        int exit = ProbeStream.serve(new java.io.BufferedReader(new java.io.StringReader("spec ftp 10 100 x\nhost\n")),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), DrillClock.system());
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("error bad probe spec `spec ftp 10 100 x`");

        // Sent at 1000, read there at 5500, back at 2000 (remote 4000 ahead, ±500); then a slower trip.
        var o = ClockOffset.of(1_000, 5_500, 2_000).with(ClockOffset.of(10_000, 15_000, 14_000));
        assertThat(o.offsetNanos()).isEqualTo(4_000);
        assertThat(o.roundTripNanos()).isEqualTo(1_000);
        assertThat(o.trips()).isEqualTo(2);
        assertThat(o.toLocal(9_000)).isEqualTo(5_000);
        assertThat(o.errorMs()).isEqualTo(0.0005);
    }

    private static void awaitUntil(VantageProbes p, java.util.function.Predicate<ProbeSample> cond) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos(); // many 500 ms timeouts
        while (System.nanoTime() < end) {
            if (p.samples().stream().anyMatch(cond)) return;
            Thread.sleep(10);
        }
        throw new AssertionError("probes did not get there: " + p.samples());
    }

    private static HttpServer server(int port) throws Exception {
        return InProcessProbesTest.server(port);
    }
}
