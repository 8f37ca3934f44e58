package dev.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCollectorTest {
    @TempDir
    Path proc;

    @Test
    void readsRssVirtualMemoryAndDescriptorsFromProc() throws Exception {
        Files.writeString(proc.resolve("status"), "Name:\tjava\nVmSize:\t 1330380 kB\nVmRSS:\t   54180 kB\nThreads:\t19\n");
        Files.writeString(proc.resolve("limits"), """
                Limit                     Soft Limit           Hard Limit           Units
                Max processes             unlimited            unlimited            processes
                Max open files            20000                1048576              files
                """);
        Files.createDirectories(proc.resolve("fd"));
        for (int i = 0; i < 3; i++) Files.createFile(proc.resolve("fd").resolve(Integer.toString(i)));

        var scrape = collect(new ProcessCollector(proc));

        assertThat(gauge(scrape, "process_resident_memory_bytes")).isEqualTo(54180 * 1024.0);
        assertThat(gauge(scrape, "process_virtual_memory_bytes")).isEqualTo(1330380 * 1024.0);
        assertThat(gauge(scrape, "process_open_fds")).isEqualTo(3);
        assertThat(gauge(scrape, "process_max_fds")).isEqualTo(20000);
        assertThat(gauge(scrape, "process_start_time_seconds")).isPositive();
        assertThat(scrape.stream().map(MetricFamily::name)).contains("process_cpu_seconds");
    }

    @Test
    void whatCannotBeReadIsLeftOutNotZero() {
        var names = collect(new ProcessCollector(proc.resolve("gone"))).stream().map(MetricFamily::name).toList();
        assertThat(names).doesNotContain("process_resident_memory_bytes", "process_open_fds", "process_max_fds");
        assertThat(ProcessCollector.maxFds(List.of("Max open files            unlimited            unlimited            files")))
                .isEqualTo(OptionalLong.empty());
    }

    @Test
    void theRealProcessHasMemoryAndCpu() {
        var scrape = collect(new ProcessCollector(Path.of("/proc/self")));
        assertThat(gauge(scrape, "process_resident_memory_bytes")).isGreaterThan(1024 * 1024);
        assertThat(gauge(scrape, "process_open_fds")).isPositive();
    }

    private static List<MetricFamily> collect(ProcessCollector c) {
        var out = new ArrayList<MetricFamily>();
        c.collect(out);
        return out;
    }

    private static double gauge(List<MetricFamily> scrape, String name) {
        return scrape.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name)).samples().get(0).value();
    }
}
