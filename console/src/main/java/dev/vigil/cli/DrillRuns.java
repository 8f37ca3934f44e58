package dev.vigil.cli;

import dev.vigil.agent.AgentOptions;
import dev.vigil.config.ClusterConfig;
import dev.vigil.control.ControlClient;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillClock;
import dev.vigil.drill.fault.Faults;
import dev.vigil.drill.fault.ShellCommands;
import dev.vigil.drill.probe.AllProbes;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drill.run.DrillRun;
import dev.vigil.drillroom.DrillStarter;
import dev.vigil.fencing.FenceRunner;
import dev.vigil.model.FenceDevice;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a drill run is put together on this machine: the same for {@code vigil drill run} and the
 * console's guided drill, so there is one way to run a drill.
 */
final class DrillRuns {
    private DrillRuns() {}

    /**
     * @param any    requests go to this client (several agents: the first that answers)
     * @param agents one event stream per agent, so each node's detection shows
     * @param configPath the cluster file (its fence devices, and the blackouts when no agent answers)
     * @param config the cluster file read, or null
     * @param settings the run's settings before the cluster's blackouts are added (who runs it, which fire)
     * @param vantageCommand how a probe with {@code vantage: NODE} is started on that node
     */
    static DrillStarter.Prepared prepare(Drill d, ControlClient any, List<ClusterAccess.Named> agents, Path configPath,
                                         ClusterConfig config, ReportStore store, DrillRun.Settings settings,
                                         Function<String, List<String>> vantageCommand, DrillRun.Listener listener) {
        var cluster = ClusterAccess.over(awayFromTarget(any, agents, d), agents);
        List<FenceDevice> devices = config == null ? List.of() : config.resources().fencing();
        var fenceRunner = new FenceRunner(FenceRunner.defaultSearchPath(AgentOptions.defaultScriptsDir().resolve("fence")),
                Duration.ofSeconds(2));
        var clock = DrillClock.system();
        var probes = AllProbes.of(d.probes(), clock, vantageCommand);
        var run = new DrillRun(d, cluster, () -> Faults.create(d, cluster, new ShellCommands(), Optional.of(fenceRunner), devices),
                probes, store, clock, listener, settings.withBlackout(DrillScheduleCommand.blackouts(any, configPath)));
        return new DrillStarter.Prepared(run, probes::samples, fenceRunner);
    }

    /** One event stream per node of the cluster file, over its TCP control port (the console's agents). */
    static List<ClusterAccess.Named> perNode(ClusterConfig config) {
        var out = new ArrayList<ClusterAccess.Named>();
        for (var n : config.nodes()) {
            out.add(new ClusterAccess.Named(n.name(),
                    ControlClient.tcp(new InetSocketAddress(n.address(), config.control().port()), config.key())));
        }
        return out;
    }

    /**
     * With several agents, requests go to one that is not on the drill's target node first:
     * the target's own agent is frozen, cut off or dead during the drill, and its view of the
     * cluster (everyone else lost) would abort the drill.
     */
    static ControlClient awayFromTarget(ControlClient any, List<ClusterAccess.Named> agents, Drill d) {
        if (agents.size() < 2 || !d.kind().targetsNode()) return any;
        var ordered = new ArrayList<ClusterAccess.Named>(agents);
        ordered.sort(java.util.Comparator.comparing(a -> a.name().equals(d.target())));
        return ControlClient.anyOf(ordered.stream().map(ClusterAccess.Named::client).toList());
    }
}
