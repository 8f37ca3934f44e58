package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ConfigLoader;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.coordination.DispatchedAction;
import dev.vigil.coordination.Operation;
import dev.vigil.model.ResourceStatus;
import dev.vigil.quorum.Quorum;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 18 item 4: the status rows say what is in flight, unmanaged and multiple active. */
class ResourceStatusReportsTest {
    private static final String YAML = """
            cluster: t
            auth: {keyfile: authkey}
            nodes:
              - {name: ha1, address: 127.0.0.21}
              - {name: ha2, address: 127.0.0.22}
            links:
              - {type: udp, mode: unicast, port: 694}
            policy: {two_node_unsafe: true}
            resources:
              - {id: vip, agent: "ocf:test:StateFile"}
              - {id: web, agent: "ocf:test:StateFile"}
              - {id: db, agent: "ocf:test:StateFile", clone: true}
            """;

    private static ResourceEntry started() {
        return new ResourceEntry(ResourceStatus.STARTED, 0, 0, "start: SUCCESS");
    }

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @Test
    void inFlightActionsAreTransitionsPerNode() throws Exception {
        var key = dir.resolve("authkey");
        java.nio.file.Files.writeString(key, "agent-test-key-0123456789\n");
        java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        var config = ConfigLoader.load(YAML, dir.resolve("cluster.yaml"));
        var byNode = Map.<String, Map<String, ResourceEntry>>of(
                "ha1", Map.of("vip", started(), "web", started(), "db", started()),
                "ha2", Map.of("vip", started(), "db", started()));
        var status = new CoordinationStatus("ha1", new Quorum(true, "2 of 2 votes"),
                new AdminState(3, Set.of(), true, List.of()), byNode, Plan.EMPTY,
                List.of(new DispatchedAction(7, "web:stop@ha1", Operation.STOP, "web", "ha1")), "", Set.of(), Set.of());

        var rows = ResourceStatusReports.of(config, status).resources();
        var vip = rows.stream().filter(r -> r.id().equals("vip")).findFirst().orElseThrow();
        var web = rows.stream().filter(r -> r.id().equals("web")).findFirst().orElseThrow();
        var db = rows.stream().filter(r -> r.id().equals("db")).findFirst().orElseThrow();
        assertThat(web.transitions()).containsExactly(Map.entry("ha1", "stopping"));
        assertThat(vip.transitions()).isEmpty();
        assertThat(vip.multipleActive()).isTrue();
        assertThat(db.multipleActive()).as("a clone runs on several nodes by design").isFalse();
        assertThat(rows).as("maintenance: every row unmanaged").allMatch(r -> r.unmanaged());
    }

    /** Issue 21: each device's delay rule, each node's priority and what fencing it would wait now. */
    @Test
    void fenceRacesShowTheDelaysAndThePriorities() throws Exception {
        var key = dir.resolve("authkey");
        java.nio.file.Files.writeString(key, "agent-test-key-0123456789\n");
        java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        var config = ConfigLoader.load(YAML.replace("policy: {two_node_unsafe: true}", "policy: {priority_fencing_delay: 5s}")
                .replace("- {id: vip, agent: \"ocf:test:StateFile\"}", "- {id: vip, agent: \"ocf:test:StateFile\", priority: 10}")
                + "fencing:\n  - {id: f1, agent: fence_x, delay_base: {ha2: 2s}, delay_max: 3s}\n",
                dir.resolve("cluster.yaml"));
        var byNode = Map.<String, Map<String, ResourceEntry>>of("ha1", Map.of("vip", started()), "ha2", Map.of("db", started()));
        var status = new CoordinationStatus("ha1", new Quorum(true, "2 of 2 votes"), AdminState.INITIAL, byNode, Plan.EMPTY,
                List.of(), "", Set.of(), Set.of());

        var fencing = ResourceStatusReports.of(config, status).fencing();
        assertThat(fencing.priorityFencingDelayMs()).isEqualTo(5000);
        assertThat(fencing.devices()).containsExactly(new dev.vigil.control.StatusReport.FenceDeviceDelay("f1",
                "ha2 2s, others 0s + random, total < 3s", 0, Map.of("ha2", 2000L), 3000));
        // ha1 runs vip (priority 10): a peer fencing it would wait 5 s, then the device's 0 to 2.999 s.
        assertThat(fencing.nodes()).containsExactly(
                new dev.vigil.control.StatusReport.NodeFencing("ha1", 10, 5000, "f1", 5000, 7999),
                new dev.vigil.control.StatusReport.NodeFencing("ha2", 0, 0, "f1", 2000, 2999));
        assertThat(ResourceStatusReports.of(ConfigLoader.load(YAML, dir.resolve("cluster.yaml")), status).fencing())
                .as("no fencing, nothing to show").isNull();
    }
}
