package dev.vigil.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The standard process metrics (the names and meanings of Prometheus' client libraries:
 * {@code process_resident_memory_bytes}, {@code process_cpu_seconds_total}, ...), read from
 * {@code /proc/self} and {@link ProcessHandle} at scrape time. Not through the platform MXBeans
 * (as the Java client's {@code ProcessMetrics} does): they load the JMX machinery into an agent
 * whose memory budget is 64 MB (measured: docs/metrics.md). A value that
 * cannot be read is left out of the scrape, not reported as 0.
 */
final class ProcessCollector implements AgentMetrics.Collector {
    private final Path proc;

    /** @param proc the process's /proc directory ({@code /proc/self}; a fixture in tests) */
    ProcessCollector(Path proc) {
        this.proc = proc;
    }

    @Override
    public void collect(List<MetricFamily> out) {
        var info = ProcessHandle.current().info();
        info.totalCpuDuration().ifPresent(cpu -> out.add(MetricFamily.counter("process_cpu_seconds",
                "User and system CPU time spent, in seconds").add(cpu.toNanos() / 1e9).build()));
        info.startInstant().ifPresent(start -> out.add(gauge("process_start_time_seconds",
                "Start time of the process since the Unix epoch, in seconds", start.toEpochMilli() / 1000.0)));
        List<String> status = lines("status");
        statusKilobytes(status, "VmRSS:").ifPresent(kb -> out.add(gauge("process_resident_memory_bytes",
                "Resident memory size, in bytes", kb * 1024.0)));
        statusKilobytes(status, "VmSize:").ifPresent(kb -> out.add(gauge("process_virtual_memory_bytes",
                "Virtual memory size, in bytes", kb * 1024.0)));
        openFds().ifPresent(n -> out.add(gauge("process_open_fds", "Open file descriptors", n)));
        maxFds(lines("limits")).ifPresent(n -> out.add(gauge("process_max_fds", "The limit of open file descriptors", n)));
    }

    /** A {@code Key:   1234 kB} line of /proc/PID/status. */
    static OptionalLong statusKilobytes(List<String> status, String key) {
        for (var line : status) {
            if (line.startsWith(key)) {
                var fields = line.substring(key.length()).trim().split("\\s+");
                return parse(fields[0]);
            }
        }
        return OptionalLong.empty();
    }

    /** The soft limit of the {@code Max open files} line of /proc/PID/limits. */
    static OptionalLong maxFds(List<String> limits) {
        for (var line : limits) {
            if (line.startsWith("Max open files")) {
                var fields = line.substring("Max open files".length()).trim().split("\\s+");
                return parse(fields[0]);
            }
        }
        return OptionalLong.empty();
    }

    private OptionalLong openFds() {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return OptionalLong.of(fds.count());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private List<String> lines(String file) {
        try {
            return Files.readAllLines(proc.resolve(file));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static OptionalLong parse(String s) {
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // "unlimited"
        }
    }

    private static MetricFamily gauge(String name, String help, double value) {
        return MetricFamily.gauge(name, help).add(value).build();
    }
}
