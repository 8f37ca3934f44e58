package dev.vigil.drill.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.schedule.DrillSchedule.Blackout;
import dev.vigil.drill.schedule.DrillSchedule.Entry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with real Quartz triggers (Quartz reads the system clock, so this one does too) on a cron
 * of every second; bounds are in cron periods.
 */
class ScheduleRunnerTest {
    private static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Entry EVERY_SECOND = new Entry("tick", "web-switchover", "* * * * * ?", ZoneOffset.UTC, 3);

    @TempDir
    Path dir;

    private final List<Instant> launched = new CopyOnWriteArrayList<>();

    private ScheduleRunner runner(DrillSchedule s, FireLog log, String name) {
        return new ScheduleRunner(s, log, (drill, scheduled) -> {
            launched.add(scheduled);
            return "pass, report " + scheduled.getEpochSecond();
        }, Clock.systemUTC(), name, m -> {});
    }

    private static void waitFor(Supplier<Boolean> condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.get() && System.nanoTime() < end) Thread.sleep(20);
        assertThat(condition.get()).as("within " + within).isTrue();
    }

    @Test
    void firesEverySecondOnceEachAndRecordsEachFire() throws Exception {
        var log = FireLog.open(dir);
        var s = new DrillSchedule(dir.resolve("cluster.yaml"), List.of(EVERY_SECOND), List.of(), Duration.ofSeconds(10));
        try (var r = runner(s, log, "ha1")) {
            r.start();
            waitFor(() -> launched.size() >= 3, PERIOD.multipliedBy(6));
        }
        assertThat(launched).doesNotHaveDuplicates();
        assertThat(launched).allSatisfy(t -> assertThat(t.getNano()).isZero());
        var fires = FireLog.open(dir).fires();
        assertThat(fires).extracting(FireLog.Fire::scheduledAt).doesNotHaveDuplicates().containsAll(launched);
        assertThat(fires).allSatisfy(f -> {
            assertThat(f.outcome()).isEqualTo("RUN");
            assertThat(f.runner()).isEqualTo("ha1");
            assertThat(f.result()).isEqualTo("pass, report " + f.scheduledAt().getEpochSecond());
        });
    }

    @Test
    void aFireInsideABlackoutIsSkippedAndRecorded() throws Exception {
        // Every even second is blacked out: of a fire every second, every other one is skipped.
        var s = new DrillSchedule(dir.resolve("cluster.yaml"), List.of(EVERY_SECOND),
                List.of(new Blackout("even-seconds", "0/2 * * * * ?", null, null, ZoneOffset.UTC, 9)), Duration.ofSeconds(10));
        var log = FireLog.open(dir);
        try (var r = runner(s, log, "ha1")) {
            r.start();
            waitFor(() -> log.fires().size() >= 4, PERIOD.multipliedBy(8));
        }
        assertThat(launched).isNotEmpty().allSatisfy(t -> assertThat(t.getEpochSecond() % 2).isEqualTo(1));
        var fires = log.fires();
        assertThat(fires).filteredOn(f -> f.scheduledAt().getEpochSecond() % 2 == 0).isNotEmpty().allSatisfy(f -> {
            assertThat(f.outcome()).isEqualTo("SKIPPED_BLACKOUT");
            assertThat(f.reason()).isEqualTo("inside blackout even-seconds");
        });
        assertThat(fires).filteredOn(f -> f.scheduledAt().getEpochSecond() % 2 == 1).extracting(FireLog.Fire::outcome)
                .containsOnly("RUN");
    }

    @Test
    void aSuccessorRunnerRunsTheLatestMissedFireOnceAndNeverOneAlreadyRecorded() throws Exception {
        var s = new DrillSchedule(dir.resolve("cluster.yaml"), List.of(EVERY_SECOND), List.of(), Duration.ofSeconds(10));
        try (var first = runner(s, FireLog.open(dir), "ha1")) {
            first.start();
            waitFor(() -> launched.size() >= 2, PERIOD.multipliedBy(6));
        }
        Instant lastOfFirst = FireLog.open(dir).last("tick").orElseThrow().scheduledAt();
        Thread.sleep(PERIOD.multipliedBy(3).toMillis()); // no runner: at least two fires are missed

        var log = FireLog.open(dir); // the successor reads what the first one recorded, as from shared storage
        Instant successorStart = Instant.now();
        try (var second = runner(s, log, "ha2")) {
            second.start();
            waitFor(() -> launched.stream().anyMatch(t -> t.isAfter(successorStart)), PERIOD.multipliedBy(4));
        }
        var fires = log.fires();
        assertThat(fires).extracting(FireLog.Fire::scheduledAt).doesNotHaveDuplicates();
        assertThat(launched).doesNotHaveDuplicates();
        var missed = fires.stream().filter(f -> f.scheduledAt().isAfter(lastOfFirst) && !f.scheduledAt().isAfter(successorStart)).toList();
        assertThat(missed.size()).isGreaterThanOrEqualTo(2);
        // Only the latest missed fire runs (late, within the grace); the ones before it are recorded as missed.
        assertThat(missed.get(missed.size() - 1).outcome()).isEqualTo("RUN");
        assertThat(missed.get(missed.size() - 1).runner()).isEqualTo("ha2");
        assertThat(missed.get(missed.size() - 1).reason()).startsWith("late by ");
        assertThat(missed.subList(0, missed.size() - 1)).allSatisfy(f -> {
            assertThat(f.outcome()).isEqualTo("SKIPPED_LATE");
            assertThat(f.reason()).isEqualTo("missed while no runner was up; a later fire was also missed");
        });
    }

    @Test
    void aFireRecordedByARunnerThatDiedMidDrillIsNotRunAgain() throws Exception {
        var s = new DrillSchedule(dir.resolve("cluster.yaml"), List.of(EVERY_SECOND), List.of(), Duration.ofSeconds(10));
        Instant t = Instant.now().minusSeconds(1).with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0);
        var log = FireLog.open(dir);
        log.add(new FireLog.Fire("tick", "web-switchover", t.toString(), t.toString(), "ha1", "RUN", "", "running"));
        try (var r = runner(s, log, "ha2")) {
            r.start();
            waitFor(() -> launched.size() >= 1, PERIOD.multipliedBy(4));
        }
        assertThat(launched).doesNotContain(t);
        assertThat(log.fires().stream().filter(f -> f.scheduledAt().equals(t))).singleElement()
                .extracting(FireLog.Fire::runner).isEqualTo("ha1");
    }

    /**
     * A runner on a node whose local log is stale (another node's runner fired since): the cluster's
     * fire log says which fires were taken, so it neither catches up on them nor runs one again.
     */
    @Test
    void aRunnerWithAStaleLocalLogFollowsTheClustersFireLog() throws Exception {
        var s = new DrillSchedule(dir.resolve("cluster.yaml"), List.of(EVERY_SECOND), List.of(), Duration.ofSeconds(10));
        Instant stale = Instant.now().minusSeconds(6).with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0);
        var log = FireLog.open(dir);
        log.add(new FireLog.Fire("tick", "web-switchover", stale.toString(), stale.toString(), "ha1", "RUN", "", "pass"));
        // Elsewhere, fires ran up to a second from now; the cluster says so.
        Instant takenUpTo = Instant.now().plusSeconds(1).with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0);
        Instant start = Instant.now();
        try (var r = new ScheduleRunner(s, log, (entry, scheduled) -> {
            launched.add(scheduled);
            return "pass";
        }, Clock.systemUTC(), "ha1", m -> {}, e -> java.util.Optional.of(takenUpTo))) {
            r.start();
            waitFor(() -> launched.size() >= 1, PERIOD.multipliedBy(5));
        }
        assertThat(launched).allSatisfy(t -> assertThat(t).isAfter(takenUpTo));
        var fires = log.fires();
        assertThat(fires).filteredOn(f -> f.scheduledAt().isAfter(stale) && f.scheduledAt().isBefore(start.minusSeconds(1)))
                .as("no catch-up over the fires another runner took").isEmpty();
        assertThat(fires).filteredOn(f -> !f.scheduledAt().isAfter(takenUpTo) && f.scheduledAt().isAfter(start))
                .allSatisfy(f -> assertThat(f.outcome()).isEqualTo("SKIPPED_TAKEN"));
    }
}
