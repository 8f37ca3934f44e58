package dev.vigil.testing;

import dev.vigil.config.OnFail;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ResourceAgentRef;
import dev.vigil.resources.ExecutorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code ocf:test:StateFile} fixture agent (src/test/resources/ocf/StateFile) installed under a
 * scratch OCF root: its "service" is a file per node and resource, so tests see exactly what runs
 * where, and files next to it make start, stop or a monitor fail or hang.
 */
public final class StateFileAgent {
    public static final ResourceAgentRef REF = ResourceAgentRef.ocf("test", "StateFile");

    private final Path root;
    private final Path stateDir;

    /** Installs the agent under {@code dir/ocf} and keeps its state in {@code dir/state}. */
    public StateFileAgent(Path dir) {
        this.root = dir.resolve("ocf");
        this.stateDir = dir.resolve("state");
        try {
            var target = Files.createDirectories(root.resolve("resource.d/test")).resolve("StateFile");
            try (InputStream in = StateFileAgent.class.getResourceAsStream("/ocf/StateFile")) {
                if (in == null) throw new IllegalStateException("test resource /ocf/StateFile missing");
                Files.copy(in, target);
            }
            // Resources lose the executable bit when Maven copies them.
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(stateDir);
            Files.createDirectories(dir.resolve("rsctmp"));
            Files.createDirectories(dir.resolve("vigil"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ExecutorSettings settings() {
        return ExecutorSettings.defaults(root.getParent().resolve("vigil"))
                .withOcfRoot(root)
                .withRscTmpDir(root.getParent().resolve("rsctmp"))
                .withKillGrace(Duration.ofMillis(200));
    }

    /** A resource run by this agent, monitored every {@code monitorInterval} (none when null). */
    public ResourceSpec resource(String id, Duration monitorInterval, OnFail onFail) {
        return new ResourceSpec(id, REF, Map.of("statedir", stateDir.toString()),
                Optional.ofNullable(monitorInterval).map(i -> new ResourceSpec.MonitorSpec(i, Duration.ofSeconds(30))),
                Duration.ofSeconds(10), Duration.ofSeconds(10), onFail, false);
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Whether the resource "runs" on the node: its state file exists. */
    public boolean running(String node, String id) {
        return Files.exists(stateDir.resolve("state-" + node + "-" + id));
    }

    /** Makes the resource vanish behind the cluster's back, as a crashed daemon would. */
    public void vanish(String node, String id) throws IOException {
        Files.deleteIfExists(stateDir.resolve("state-" + node + "-" + id));
    }

    /** Creates (or with {@code on == false} removes) one of the agent's steering files. */
    public void steer(String what, String node, String id, boolean on) throws IOException {
        var f = stateDir.resolve(what + "-" + node + "-" + id);
        if (on) {
            Files.writeString(f, "");
        } else {
            Files.deleteIfExists(f);
        }
    }

    public boolean exists(String what, String node, String id) {
        return Files.exists(stateDir.resolve(what + "-" + node + "-" + id));
    }

    /** Every start and stop so far, as "node resource action". */
    public List<String> log() {
        return lines("log");
    }

    /** Every probe so far, as "node resource probe". */
    public List<String> probes() {
        return lines("probes");
    }

    private List<String> lines(String file) {
        try {
            var f = stateDir.resolve(file);
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
