package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled drills with one runner in the cluster: three real agents on 127.0.0.61-63 (fast preset)
 * run {@code vigil drill schedule run} as a cluster resource (a small OCF script installed for the
 * test), so exactly one runner is up and it moves with a failover. The schedule, in the cluster file,
 * fires every 3 s; a blackout excludes every second divisible by 6, i.e. every other fire. Each node's
 * runner has its own state directory (its own local fire log and reports, stale when the runner comes
 * back to it): "never twice" rests on the cluster's fire log, in the coordinator's operator state, and
 * the reports on the copies every agent keeps (docs/drills.md, "One drill at a time in the cluster").
 *
 * <p>Checked: fires happen; after the node whose runner fired last is killed (its agent and its runner,
 * kill -9), the next fires still happen, from another node, and no scheduled time is run twice (over
 * every node's fire log, and in the reports the agents keep); the killed node comes back with its
 * stale log and still nothing runs twice; fires inside the blackout are skipped and recorded.
 * The scheduled drill targets a resource that does not exist, so each run is a refusal that touches
 * nothing (the drill runs themselves are DrillBedIT's business); it still leaves a report per run.
 */
@Tag("integration")
class ScheduledDrillLoopbackIT {
    private static final Duration PERIOD = Duration.ofSeconds(3);
    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");

    @TempDir
    Path dir;
    private TestCluster cluster;
    private Path provider;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) cluster.close();
        for (var n : NODES) runnerPid(n).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        if (provider != null) {
            Files.deleteIfExists(provider.resolve("DrillRunner"));
            Files.deleteIfExists(provider);
        }
    }

    /** The OCF script that runs the runner on the node the cluster chooses (its pid file per node). */
    private String installRunnerAgent() throws IOException {
        String name = "vigil-sched-" + ProcessHandle.current().pid();
        provider = Files.createDirectories(Path.of("/usr/lib/ocf/resource.d", name));
        var script = provider.resolve("DrillRunner");
        Files.writeString(script, """
                #!/bin/sh
                d="${OCF_RESKEY_dir:?}"; node="${OCF_RESKEY_CRM_meta_on_node:?}"; pidfile="$d/runner-$node.pid"
                # The pid file's process is this node's runner only while its command line names this
                # node's state directory: a pid left by a killed runner may belong to anything by now.
                ours() { [ -f "$pidfile" ] && tr '\0' '\n' <"/proc/$(cat "$pidfile")/cmdline" 2>/dev/null | grep -qxF -- "$d/drill-state-$node"; }
                running() { ours; }
                case "$1" in
                  start)
                    running && exit 0
                    nohup "$OCF_RESKEY_launcher" drill schedule run --node "$node" --socket "$d/$node.sock" \\
                      --config "$d/cluster.yaml" --file "$d/drills.yaml" --state-dir "$d/drill-state-$node" --reload 1s \\
                      >>"$d/runner-$node.log" 2>&1 </dev/null &
                    echo $! >"$pidfile"; exit 0 ;;
                  stop)
                    if ours; then
                      pid=$(cat "$pidfile"); kill "$pid" 2>/dev/null; i=0
                      while ours && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
                      ours && kill -9 "$pid" 2>/dev/null
                    fi
                    rm -f "$pidfile"
                    exit 0 ;;
                  monitor) running && exit 0; exit 7 ;;
                  meta-data) echo '<?xml version="1.0"?><resource-agent name="DrillRunner"/>'; exit 0 ;;
                  validate-all) exit 0 ;;
                  *) exit 3 ;;
                esac
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return name;
    }

    /** The runner's pid on {@code node}, while that pid still is the runner (its command line names its state directory). */
    private Optional<Long> runnerPid(String node) {
        try {
            var f = dir.resolve("runner-" + node + ".pid");
            if (!Files.exists(f)) return Optional.empty();
            long pid = Long.parseLong(Files.readString(f).strip());
            String stateDir = dir.resolve("drill-state-" + node).toString();
            var args = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0");
            return java.util.Arrays.asList(args).contains(stateDir) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private record Fire(String scheduled, String runner, String outcome, String reason, String result) {
        Instant at() {
            return Instant.parse(scheduled);
        }
    }

    /** Every node's fire log, in time order. */
    private List<Fire> fires() {
        var out = new ArrayList<Fire>();
        for (var node : NODES) {
            var f = dir.resolve("drill-state-" + node + "/schedule.json");
            if (!Files.exists(f)) continue;
            try {
                for (JsonNode n : JSON.readTree(f.toFile()).get("fires")) {
                    out.add(new Fire(n.get("scheduled").asText(), n.get("runner").asText(), n.get("outcome").asText(),
                            n.get("reason").asText(), n.get("result").asText()));
                }
            } catch (IOException e) {
                // written atomically; a read racing nothing but a missing file
            }
        }
        out.sort(java.util.Comparator.comparing(Fire::at));
        return out;
    }

    /** A fire that ran a drill: recorded RUN and not turned away by the cluster as already taken. */
    private static boolean ran(Fire f) {
        return f.outcome().equals("RUN") && !f.result().contains("already taken");
    }

    /** The reports the agents keep for the cluster, by {@code vigil drill history --json} (every agent the cluster file names). */
    private List<String> clusterReports(String node) throws Exception {
        var p = new ProcessBuilder(VigilHome.launcher().toString(), "drill", "history", "--json", "--socket",
                cluster.socket(node).toString(), "--config", cluster.configFile().toString(),
                "--state-dir", dir.resolve("no-local-state").toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        var ids = new ArrayList<String>();
        for (var line : out.lines().toList()) ids.add(JSON.readTree(line).get("id").asText());
        return ids;
    }

    private String diagnostics() {
        var sb = new StringBuilder(cluster.logs());
        for (var n : NODES) {
            try {
                sb.append("---- runner ").append(n).append(" ----\n").append(Files.readString(dir.resolve("runner-" + n + ".log")));
            } catch (IOException e) {
                sb.append("(no runner log on ").append(n).append(")\n");
            }
        }
        return sb.append("---- fires ----\n").append(fires()).toString();
    }

    @Test
    void theScheduleSurvivesTheLossOfTheRunnersNodeAndNeverFiresTwice() throws Exception {
        String providerName = installRunnerAgent();
        Files.writeString(dir.resolve("drills.yaml"), """
                drills:
                  - name: tick
                    kind: switchover
                    target: no-such-group
                """);
        int port = 20000 + (int) ((ProcessHandle.current().pid() + 13) % 20000);
        cluster = new TestCluster(dir, """
                cluster: scheduled
                auth: {keyfile: KEYFILE}
                timing: {preset: fast}
                nodes:
                  - {name: ha1, address: 127.0.0.61}
                  - {name: ha2, address: 127.0.0.62}
                  - {name: ha3, address: 127.0.0.63}
                links:
                  - {type: udp, mode: unicast, port: %d}
                resources:
                  - {id: drill-runner, agent: "ocf:%s:DrillRunner", params: {dir: %s, launcher: %s},
                     monitor: {interval: 1s}, start_timeout: 10s, stop_timeout: 15s}
                drills:
                  misfire_grace: %ds
                  schedule:
                    - {drill: tick, cron: "0/3 * * * * ?", time_zone: Europe/Paris}
                  blackouts:
                    - {name: every-sixth-second, cron: "0/6 * * * * ?"}
                """.formatted(port, providerName, dir, VigilHome.launcher(), GRACE.toSeconds()), Map.of());
        for (var n : NODES) cluster.start(n);

        // Fires happen: two runs and a blackout skip, within the runner's start plus a few periods.
        await("first fires").atMost(GRACE.plus(PERIOD.multipliedBy(4))).pollInterval(Duration.ofMillis(200))
                .until(() -> fires().stream().filter(f -> f.outcome().equals("RUN") && !f.result().equals("running")).count() >= 2
                        && fires().stream().anyMatch(f -> f.outcome().equals("SKIPPED_BLACKOUT")));
        var lastRun = fires().stream().filter(f -> f.outcome().equals("RUN")).reduce((a, b) -> b).orElseThrow();
        String victim = lastRun.runner();
        assertThat(NODES).as(diagnostics()).contains(victim);

        // The runner's node dies: its agent and the runner it ran, without a word.
        long runner = runnerPid(victim).orElseThrow();
        ProcessHandle.of(runner).ifPresent(ProcessHandle::destroyForcibly);
        cluster.kill(victim);
        Instant killed = Instant.now();

        // The next fire still happens, run by a runner on another node: within deadtime, the runner's
        // start (bounded by its start_timeout) and the grace, plus a period.
        await("a fire after the kill").atMost(GRACE.plus(Duration.ofSeconds(10)).plus(PERIOD.multipliedBy(2)))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> fires().stream().anyMatch(f -> f.at().isAfter(killed) && f.outcome().equals("RUN")
                        && !f.result().equals("running")));
        // Let one more period pass so a double fire, if any, would show.
        Thread.sleep(PERIOD.toMillis());
        var fires = fires();
        String all = diagnostics();
        System.out.println("killed " + victim + " at " + killed + "; fires:");
        fires.forEach(f -> System.out.println("  " + f));

        assertThat(fires.stream().filter(ScheduledDrillLoopbackIT::ran)).as(all).extracting(Fire::scheduled).doesNotHaveDuplicates();
        var after = fires.stream().filter(f -> f.at().isAfter(killed) && ran(f)).toList();
        assertThat(after).as(all).isNotEmpty().allSatisfy(f -> assertThat(f.runner()).isNotEqualTo(victim));
        // Every run is a refusal (the target does not exist) with its own report: runs and reports agree.
        var runs = fires.stream().filter(ScheduledDrillLoopbackIT::ran).toList();
        assertThat(runs).as(all).allSatisfy(f -> assertThat(f.result()).matches("refused \\(.*no-such-group.*\\), report .*-tick|running"));
        long finished = runs.stream().filter(f -> !f.result().equals("running")).count();
        String survivor = after.get(0).runner();
        // The reports are the agents' copies (the killed node's gone with it): every finished run's is there.
        var kept = clusterReports(survivor);
        // A taken fire's refusal has a report too. Counted after the reports were read: the next
        // period's fire can run between the two reads (the fire is logged before its report is kept).
        long handled = fires().stream().filter(f -> f.outcome().equals("RUN")).count();
        assertThat(kept).as(all).doesNotHaveDuplicates().hasSizeBetween((int) finished, (int) handled);
        assertThat(kept).as(all).allSatisfy(id -> assertThat(id).endsWith("-tick"));

        // The killed node comes back, with the fire log its runner left: whichever node runs the runner
        // now, the cluster's fire log keeps it from running a fire again.
        cluster.start(victim);
        Instant back = Instant.now();
        await("a fire after the node's return").atMost(GRACE.plus(PERIOD.multipliedBy(4))).pollInterval(Duration.ofMillis(200))
                .until(() -> fires().stream().filter(f -> f.at().isAfter(back.plus(PERIOD)) && f.outcome().equals("RUN")).count() >= 1);
        String allBack = diagnostics();
        assertThat(fires().stream().filter(ScheduledDrillLoopbackIT::ran)).as(allBack).extracting(Fire::scheduled).doesNotHaveDuplicates();
        // The blackout: fires at seconds divisible by 6 are skipped and recorded, the others run (or were missed).
        assertThat(fires).as(all).allSatisfy(f -> {
            boolean inBlackout = f.at().getEpochSecond() % 6 == 0;
            if (inBlackout) {
                assertThat(f.outcome()).isEqualTo("SKIPPED_BLACKOUT");
                assertThat(f.reason()).isEqualTo("inside blackout every-sixth-second");
            } else {
                assertThat(f.outcome()).isIn("RUN", "SKIPPED_LATE", "SKIPPED_TAKEN");
            }
        });
        // Missed fires (none ran while no runner was up) are recorded, only between the kill and the takeover.
        assertThat(fires.stream().filter(f -> f.outcome().equals("SKIPPED_LATE")))
                .as(all).allSatisfy(f -> assertThat(f.at()).isAfter(killed.minus(PERIOD)));
        // A schedule change applied with `vigil config apply` reaches the runner (it reads the agent's file
        // every --reload, 1 s): a blackout over every second stops the runs.
        String v2 = Files.readString(cluster.configFile()).replace("cluster: scheduled\n", "cluster: scheduled\nversion: 2\n")
                .replace("cron: \"0/6 * * * * ?\"}", "cron: \"0/6 * * * * ?\"}\n    - {name: all-day, cron: \"* * * * * ?\"}");
        var newFile = Files.writeString(dir.resolve("cluster-v2.yaml"), v2);
        var apply = new ProcessBuilder(VigilHome.launcher().toString(), "config", "apply", newFile.toString(),
                "--socket", cluster.socket(survivor).toString()).redirectErrorStream(true).start();
        String applyOut = new String(apply.getInputStream().readAllBytes());
        assertThat(apply.waitFor()).as(applyOut).isZero();
        Instant applied = Instant.now();
        await("the new blackout in force").atMost(PERIOD.multipliedBy(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> fires().stream().anyMatch(f -> f.at().isAfter(applied) && f.reason().equals("inside blackout all-day")));
        // Every fire from one reload and a period after the apply on is skipped: wait for two of them.
        Instant inForce = applied.plus(Duration.ofSeconds(1)).plus(PERIOD);
        await("two fires under the new schedule").atMost(PERIOD.multipliedBy(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> fires().stream().filter(f -> f.at().isAfter(inForce)).count() >= 2);
        String all2 = diagnostics();
        assertThat(fires()).as(all2).filteredOn(f -> f.at().isAfter(inForce))
                .allSatisfy(f -> assertThat(f.outcome()).isEqualTo("SKIPPED_BLACKOUT"));
        assertThat(fires().stream().filter(ScheduledDrillLoopbackIT::ran)).as(all2).extracting(Fire::scheduled).doesNotHaveDuplicates();

        // `vigil drill schedule --running`: the applied schedule, its next fires marked, the last fire and its runner
        // (from the fire log of the node that runs the runner now).
        String current = fires().stream().reduce((a, b) -> b).orElseThrow().runner();
        var list = new ProcessBuilder(VigilHome.launcher().toString(), "drill", "schedule", "--running",
                "--socket", cluster.socket(survivor).toString(), "--config", cluster.configFile().toString(),
                "--file", dir.resolve("drills.yaml").toString(), "--state-dir", dir.resolve("drill-state-" + current).toString())
                .redirectErrorStream(true).start();
        String listed = new String(list.getInputStream().readAllBytes());
        assertThat(list.waitFor()).as(listed).isZero();
        assertThat(listed).contains("tick: drill tick, cron \"0/3 * * * * ?\" in Europe/Paris")
                .contains("(inside blackout all-day: will be skipped)").contains("SKIPPED_BLACKOUT (inside blackout")
                .contains(" on " + current).contains("blackout all-day: every second of \"* * * * * ?\"");
    }
}
