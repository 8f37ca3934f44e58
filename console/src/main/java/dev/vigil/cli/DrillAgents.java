package dev.vigil.cli;

import dev.vigil.config.ClusterConfig;
import dev.vigil.control.ControlClient;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.report.ClusterReports;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.schedule.DrillSchedule;
import dev.vigil.drill.schedule.ScheduleReader;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agents a drill verb talks to, one client each (named by node where the cluster file says
 * which address is which): {@code run} follows each one's events and hands its report to all of
 * them; {@code history} and {@code report} read from all of them (docs/drills.md, "Reports in the cluster").
 */
final class DrillAgents {
    private DrillAgents() {}

    /** One client per agent named by --connect; else the one agent {@code any}. */
    static List<ClusterAccess.Named> of(NodeOptions target, ControlClient any) {
        if (target.connect.isEmpty()) return List.of(new ClusterAccess.Named("agent", any));
        var addresses = NodeOptions.parseHostPorts(target.connect.get()).orElse(List.of());
        ClusterConfig config = target.loadForCliOrExplain();
        var named = new ArrayList<ClusterAccess.Named>();
        for (var a : addresses) {
            String nodeName = config == null ? a.getHostString() : config.nodes().stream()
                    .filter(n -> n.address().equals(a.getAddress())).map(n -> n.name()).findFirst().orElse(a.getHostString());
            named.add(new ClusterAccess.Named(nodeName, config == null ? any : ControlClient.tcp(a, config.key())));
        }
        return named;
    }

    /**
     * Every node's agent over TCP (the cluster file's addresses, its control port and key), so a report
     * reaches all of them even from a runner that talks to its own agent by socket; with --connect, or a
     * cluster file that cannot be read or turns the control port off, the agents {@link #of} names.
     */
    static List<ClusterAccess.Named> everyAgent(NodeOptions target, ControlClient any) {
        if (target.connect.isPresent() || !java.nio.file.Files.exists(target.config)) return of(target, any);
        ClusterConfig config;
        try {
            config = dev.vigil.config.ConfigLoader.load(target.config);
        } catch (dev.vigil.config.ConfigException e) {
            return of(target, any);
        }
        if (!config.control().enabled()) return of(target, any);
        return DrillRuns.perNode(config);
    }

    /**
     * The agents, when the options name any (--connect, --socket, or a cluster file that says where the
     * local agent listens); empty when reports are to be read from the state directory only.
     */
    static Optional<List<ClusterAccess.Named>> ifNamed(NodeOptions target) {
        if (!named(target)) return Optional.empty();
        var any = target.clientOrExplain();
        return any == null ? Optional.empty() : Optional.of(everyAgent(target, any));
    }

    /** The options name an agent: --connect, --socket, or a cluster file that says where the local one listens. */
    static boolean named(NodeOptions target) {
        return target.connect.isPresent() || target.socket.isPresent() || java.nio.file.Files.exists(target.config);
    }

    /** The cluster's report retention, from the drills: section of the cluster file the agent runs (else --config's). */
    static DrillSchedule.Retention retention(ControlClient any, java.nio.file.Path config) {
        var r = ScheduleReader.read(config, DrillScheduleCommand.clusterFileText(any, config), Optional.empty());
        return r.ok() ? r.schedule().reports() : DrillSchedule.Retention.DEFAULT;
    }

    /** Hands the report to every agent and says which kept it. */
    static void handOut(DrillReport report, List<ClusterAccess.Named> agents, DrillSchedule.Retention retention,
                        PrintWriter out, PrintWriter err) {
        var kept = ClusterReports.handOut(report, agents, retention);
        var yes = kept.entrySet().stream().filter(e -> e.getValue().equals("kept")).map(e -> e.getKey()).toList();
        var no = kept.entrySet().stream().filter(e -> !e.getValue().equals("kept")).map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        if (out != null) out.println("Report kept in the cluster by " + (yes.isEmpty() ? "no agent" : String.join(", ", yes)));
        if (!no.isEmpty()) err.println("vigil: report " + report.id() + " not kept by " + String.join(", ", no));
    }
}
