package dev.vigil.importer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentOptions;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.control.ControlClient;
import dev.vigil.importer.heartbeat.HeartbeatImport;
import dev.vigil.importer.keepalived.KeepalivedImport;
import dev.vigil.time.MonotonicClock;
import dev.vigil.transport.InMemoryNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported cluster file run by real agents (in one JVM, their links an in-memory network): each
 * node's agent starts from it and both agree on the membership within the imported timing. The
 * resource scripts directory is an empty one, so the imported floating IPs and filesystems are
 * never applied to this machine.
 */
class ImportedClusterRunsTest {
    @TempDir
    Path dir;
    private final InMemoryNetwork network = new InMemoryNetwork();
    private final List<Agent> agents = new ArrayList<>();

    @AfterEach
    void stop() {
        agents.forEach(Agent::close);
        network.close();
    }

    private void runAndAgree(ClusterConfig config) throws Exception {
        var names = config.nodes().stream().map(n -> n.name()).toList();
        Path noScripts = Files.createDirectories(dir.resolve("no-scripts"));
        for (var n : names) {
            var options = new AgentOptions(n, dir.resolve(n + ".sock"), dir.resolve("state").resolve(n), false, noScripts);
            var agent = new Agent(config, options, MonotonicClock.create(),
                    (cfg, self, link, drops) -> network.transport(self, link.index(), link.name()));
            agent.start();
            agents.add(agent);
        }
        // Both alive once each has heard the other: a few keepalives, bounded by the imported deadtime.
        var bound = config.timing().deadtime().multipliedBy(2).plusSeconds(5);
        await().atMost(bound).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (var n : names) {
                assertEquals(names, new ControlClient(dir.resolve(n + ".sock")).status().members(), n + "'s view");
            }
        });
    }

    @Test
    void theHeartbeatImportRunsTwoAgents() throws Exception {
        Path d = Golden.resource("heartbeat/ucast-mcast");
        var result = HeartbeatImport.run(new HeartbeatImport.Request(
                new HeartbeatImport.Source(Golden.read(d.resolve("ha.cf")), d.resolve("ha.cf")),
                new HeartbeatImport.Source(Golden.read(d.resolve("haresources")), d.resolve("haresources")),
                Optional.empty(), List.of(new NodeOption("ha1", "10.0.0.48")), "authkey", name -> Optional.empty(),
                Golden.fixedRandom()));
        runAndAgree(ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result)));
    }

    @Test
    void theKeepalivedImportRunsTwoAgents() throws Exception {
        var result = KeepalivedImport.run(new KeepalivedImport.Request(
                List.of(Path.of("/usr/share/doc/keepalived/samples/keepalived.conf.vrrp")),
                List.of(new NodeOption("ha1", "10.0.0.48"), new NodeOption("ha2", "10.0.0.49")), "authkey",
                name -> Optional.empty(), Golden.fixedRandom()));
        runAndAgree(ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result)));
    }
}
