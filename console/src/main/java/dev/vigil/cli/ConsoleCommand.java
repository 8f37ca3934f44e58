package dev.vigil.cli;

import dev.vigil.access.AuditLog;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.control.ControlClient;
import dev.vigil.control.KeyFileSource;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drillroom.DrillOffer;
import dev.vigil.drillroom.DrillRoom;
import dev.vigil.drillroom.DrillRoomSettings;
import dev.vigil.ssh.AuthorizedKeysFile;
import dev.vigil.ssh.ConsoleServer;
import dev.vigil.ssh.FailureThrottle;
import dev.vigil.ssh.ShellSessionFactory;
import dev.vigil.tui.StreamingBackend;
import dev.vigil.tui.Screens;
import dev.vigil.tui.TuiOptions;
import dev.vigil.wizard.WizardHosts;
import dev.vigil.wizard.WizardSettings;
import dev.vigil.wizard.Wizards;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil console}: the operators' SSH server. {@code ssh -p 2222 you@host} opens the text UI;
 * {@code ssh -p 2222 you@host vigil status --json} runs a verb. Runs until SIGTERM or SIGINT.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Serve the operator console over SSH: the text UI, and `vigil` verbs as ssh commands.",
                "Keys and roles come from the authorized_keys file (role=viewer|operator|admin in each key's options).",
                "The console follows the cluster's agents over their TCP control ports (every node of --config, in file order, "
                        + "moving on when one dies), or those of --connect, or the local agent's socket with --socket/--node."})
final class ConsoleCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCommand.class);
    /**
     * Loopback by default: a node also carries the service addresses that float between nodes,
     * and a console listening on every address would be offered to whoever reaches the service.
     * Operators choose the management address deliberately (e.g. --listen 10.0.0.41:2222).
     */
    static final String DEFAULT_LISTEN = "127.0.0.1:2222";

    @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "address and port (default: ${DEFAULT-VALUE}; "
            + "loopback so the console is not offered on the service addresses; IPv6 as [::1]:2222)")
    String listen = DEFAULT_LISTEN;

    @Option(names = "--authorized-keys", paramLabel = "FILE",
            description = "OpenSSH authorized_keys with role= options; re-read when it changes (default: ${DEFAULT-VALUE})")
    Path authorizedKeys = Path.of("/etc/vigil/console_authorized_keys");

    @Option(names = "--host-key", paramLabel = "FILE",
            description = "ed25519 host key, created on first start with mode 0600 (default: ${DEFAULT-VALUE})")
    Path hostKey = Path.of("/var/lib/vigil/console/host_ed25519");

    @Option(names = "--audit-log", paramLabel = "FILE",
            description = "append-only JSON lines: who changed what, with what outcome (default: ${DEFAULT-VALUE})")
    Path auditLog = Path.of("/var/log/vigil/audit.log");

    @Option(names = "--playbooks", paramLabel = "DIR",
            description = "the recipes the wizards (key w) offer: every directory under it with a playbook.yaml "
                    + "(default: the distribution's playbooks/)")
    Path playbooks = WizardSettings.defaults().playbooks();

    @Option(names = "--wizard-saves", paramLabel = "DIR",
            description = "where each wizard apply saves its answers, to repeat it with vigil playbook apply (default: ${DEFAULT-VALUE})")
    Path wizardSaves = WizardSettings.DEFAULT_SAVED;

    @Option(names = "--drills", paramLabel = "FILE",
            description = "the drill file the drill room (key D) offers (default: drills.yaml next to --config's cluster file, "
                    + "as vigil drill's --file)")
    Path drills;

    @Option(names = "--drill-state-dir", paramLabel = "DIR",
            description = "where the drill room keeps reports and the one-drill lock, as vigil drill's --state-dir (default: ${DEFAULT-VALUE})")
    Path drillStateDir = DrillCommand.DEFAULT_STATE_DIR;

    @Option(names = "--inventory", paramLabel = "FILE",
            description = "the wizards' hosts: an inventory as vigil playbook --inventory reads it (addresses, groups, SSH user, "
                    + "port, key, known_hosts per host), merged with the nodes of a readable --config")
    Optional<Path> inventory = Optional.empty();

    @Mixin
    NodeOptions agent;

    @Override
    public Integer call() throws IOException, InterruptedException {
        var address = parseListen(listen);
        if (address.isEmpty()) {
            agent.err().println("vigil: --listen " + listen + ": expected ADDR:PORT, e.g. 127.0.0.1:2222 or [::]:2222");
            return 2;
        }
        var agents = agentsOrExplain();
        if (agents == null) {
            return 2;
        }
        AgentConnection cluster = AgentConnection.over(agents.client());

        var audit = new AuditLog(auditLog, Clock.systemUTC());
        var backend = new StreamingBackend(agents.client(), agents.described());
        // The wizards' recipes run on the cluster file's nodes (and --inventory's hosts) over SSH, as
        // `vigil playbook --config F --inventory F` would.
        var wizards = WizardSettings.defaults().withPlaybooks(playbooks).withSaved(wizardSaves)
                .withHosts(WizardHosts.of(Files.isReadable(agent.config) ? Optional.of(agent.config) : Optional.empty(), inventory));
        var config = clusterFile().orElse(null);
        var drillRoom = drillRoom(agents.client(), config);
        var shells = ShellSessionFactory.tui(backend, audit, TuiOptions.defaults().withConfig(config)
                .withScreens(Screens.standard().with(Wizards.entry(wizards.withDrills(DrillOffer.from(drillRoom))))
                        .with(DrillRoom.entry(drillRoom))));
        var server = new ConsoleServer(new ConsoleServer.Settings(address.get(), hostKey),
                new AuthorizedKeysFile(authorizedKeys),
                new FailureThrottle(Clock.systemUTC(), FailureThrottle.Policy.defaults()),
                new RemoteCli(cluster, audit), shells);
        var stopped = new CountDownLatch(1);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                // A guided drill must not leave its fault in place: aborted, restored and reported (and
                // audited) before the sessions and the audit log close, as `vigil drill run` on Ctrl-C.
                var late = drillRoom.running().abortAndWait(drillRoom.store(), text -> {
                    System.err.println("vigil console: stopping: " + text);
                    LOG.warn("stopping: {}", text);
                });
                if (!late.isEmpty()) System.err.println("vigil console: stopping: no report in time from " + late);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                server.close();
                backend.close();
                audit.close();
            } catch (IOException e) {
                System.err.println("vigil console: stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "vigil-console-stop"));
        agent.out().println("vigil console: listening on " + address.get().getHostString() + ":" + server.port()
                + ", host key " + server.hostKeyFingerprint() + ", agents " + agents.described() + ", keys " + authorizedKeys
                + ", audit " + auditLog);
        agent.out().flush();
        stopped.await();
        return 0;
    }

    /**
     * The drill room's drills, reports and runs: the drill file and state directory of {@code vigil drill}, runs put
     * together as {@code vigil drill run} does, with one event stream per node of the cluster file.
     */
    private DrillRoomSettings drillRoom(ControlClient any, ClusterConfig config) {
        var files = new DrillCommand.Files();
        files.file = drills;
        files.stateDir = drillStateDir;
        Path drillFile = files.drillFile(agent.config);
        var store = new ReportStore(drillStateDir);
        List<ClusterAccess.Named> agents = config == null || agent.connect.isPresent() || agent.socket.isPresent() || agent.node.isPresent()
                ? List.of(new ClusterAccess.Named("agent", any)) : DrillRuns.perNode(config);
        return new DrillRoomSettings(drillFile, store,
                (d, listener) -> DrillRuns.prepare(d, any, agents, agent.config, config, store, dev.vigil.drill.run.DrillRun.Settings.DEFAULT,
                        node -> DrillCommand.vantageCommand(DrillCommand.DEFAULT_VANTAGE_COMMAND, node), listener)
                        // Every agent keeps a copy, as after `vigil drill run`: the history survives the loss of any one node.
                        .keptBy(report -> LOG.info("drill report {} kept in the cluster: {}", report.id(),
                                dev.vigil.drill.report.ClusterReports.handOut(report, agents, DrillAgents.retention(any, agent.config)))),
                () -> DrillScheduleCommand.runningSchedule(any, agent.config, drillFile, drillStateDir));
    }

    /** The agents the console follows, and how to name them in its first log line. */
    record Agents(ControlClient client, String described) {}

    /**
     * {@code --socket} or {@code --node}: the local agent's socket. Else {@code --connect}'s list,
     * else every node of the cluster file over its TCP control port, in file order: the console
     * follows the first that answers and moves on to the next when it dies. Null after explaining why not.
     */
    Agents agentsOrExplain() {
        if (agent.socket.isPresent() || agent.node.isPresent()) {
            if (agent.connect.isPresent()) {
                agent.err().println("vigil: --connect and --socket/--node name different agents; give one");
                return null;
            }
            Path socket = agent.socketOrExplain();
            return socket == null ? null : new Agents(ControlClient.unix(socket), socket.toString());
        }
        if (agent.connect.isPresent()) {
            var client = agent.clientOrExplain();
            return client == null ? null : new Agents(client, agent.connect.get());
        }
        var file = agent.loadForCliOrExplain();
        if (file == null) {
            return null;
        }
        if (!file.control().enabled()) {
            agent.err().println("vigil: " + agent.config + " turns the agents' control ports off (control: {enabled: false}); "
                    + "give --socket or --node to follow the local agent");
            return null;
        }
        var addresses = file.nodes().stream()
                .map(n -> new InetSocketAddress(n.address(), file.control().port())).toList();
        // Read again when `vigil key rotate` replaces it: the console outlives a rotation.
        return new Agents(ControlClient.tcp(addresses, new KeyFileSource(file.keyFile(), file.key())), addresses.stream()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).collect(Collectors.joining(",")));
    }

    /** For the resource detail screen's parameters; the console runs without it. */
    private Optional<ClusterConfig> clusterFile() {
        if (!Files.isReadable(agent.config)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigLoader.load(agent.config));
        } catch (ConfigException e) {
            agent.err().println("vigil console: " + agent.config + " has errors; resource parameters not shown");
            return Optional.empty();
        }
    }

    static Optional<InetSocketAddress> parseListen(String text) {
        return NodeOptions.parseHostPort(text, 0);
    }
}
