package dev.vigil.drill.run;

import dev.vigil.control.StatusReport;
import dev.vigil.coordination.Suggest;
import dev.vigil.drill.Drill;
import dev.vigil.drill.report.DrillReport.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What must hold before a drill touches the cluster, checked on one status report: the target
 * exists, quorum, every node online, no failed actions, no maintenance, nothing in flight, no
 * other drill running. Any failed check refuses the drill with its reason. Pure, for tests.
 */
public final class Preconditions {
    private Preconditions() {}

    /** @param otherDrill who runs another drill now, or empty */
    public static List<Check> check(Drill drill, StatusReport s, Optional<String> otherDrill) {
        var checks = new ArrayList<Check>();
        checks.add(target(drill, s));
        var r = s.resources();
        if (r == null) {
            checks.add(new Check("resources", false, "the cluster file has no resources: nothing to fail over"));
        } else {
            checks.add(new Check("quorum", r.quorate(), r.quorum()));
            checks.add(new Check("no maintenance", !r.maintenance(), r.maintenance() ? "maintenance mode is on" : "off"));
            var failed = r.resources().stream().flatMap(row -> row.failures().entrySet().stream()
                    .filter(e -> e.getValue() > 0).map(e -> row.id() + " on " + e.getKey() + " (" + e.getValue() + ")")).toList();
            checks.add(new Check("no failed actions", failed.isEmpty(), failed.isEmpty() ? "none"
                    : "failed: " + String.join(", ", failed) + "; `vigil resource cleanup` first"));
            boolean settled = r.pending().isEmpty() && (r.waitingFor() == null || r.waitingFor().isEmpty())
                    && r.resources().stream().allMatch(row -> row.transitions() == null || row.transitions().isEmpty());
            checks.add(new Check("cluster settled", settled, settled ? "nothing in flight"
                    : "in flight: " + (r.waitingFor() == null || r.waitingFor().isEmpty() ? String.join(", ", r.pending()) : r.waitingFor())));
            if (!r.standby().isEmpty()) {
                checks.add(new Check("no node in standby", false, "standby: " + String.join(", ", r.standby())));
            }
        }
        var offline = s.nodes().stream().filter(n -> !n.state().equals("alive") || !s.members().contains(n.name()))
                .map(n -> n.name() + " " + n.state()).toList();
        checks.add(new Check("every node online", offline.isEmpty(), offline.isEmpty() ? String.join(", ", s.members())
                : "not online: " + String.join(", ", offline)));
        var elsewhere = otherDrill.or(() -> runningInCluster(s));
        checks.add(new Check("no other drill running", elsewhere.isEmpty(), elsewhere.orElse("none")));
        if (drill.kind().targetsNode()) {
            // The fault silences that agent (or makes it see everyone else lost): the drill must watch from elsewhere.
            boolean away = !s.node().equals(drill.target());
            checks.add(new Check("watched from another node", away, away ? "status from " + s.node()
                    : "the agent answering is " + drill.target() + "'s own, which the fault silences; connect to the others "
                    + "too (--connect HOST:PORT,... with another node's control port)"));
        }
        return checks;
    }

    /** The drill holding the cluster's lock, as the coordinator's operator state says (docs/drills.md). */
    static Optional<String> runningInCluster(StatusReport s) {
        if (s.resources() == null || s.resources().drill() == null) return Optional.empty();
        var d = s.resources().drill();
        return Optional.of("drill " + d.drill() + " (run " + d.runId() + ") by " + d.runner() + " since "
                + java.time.Instant.ofEpochMilli(d.sinceMs()) + (d.fire().isEmpty() ? "" : ", schedule fire " + d.fire()));
    }

    private static Check target(Drill drill, StatusReport s) {
        List<String> known;
        String what;
        if (drill.kind().targetsNode()) {
            known = s.nodes().stream().map(StatusReport.NodeReport::name).toList();
            what = "node";
        } else {
            var rows = s.resources() == null ? List.<StatusReport.ResourceRow>of() : s.resources().resources();
            known = Stream.concat(rows.stream().map(StatusReport.ResourceRow::id),
                    rows.stream().map(StatusReport.ResourceRow::group).filter(g -> g != null)).distinct().toList();
            what = "resource or group";
        }
        boolean ok = known.contains(drill.target());
        var checks = new StringBuilder(ok ? what + " " + drill.target()
                : "no " + what + " '" + drill.target() + "'" + Suggest.didYouMean(drill.target(), known));
        boolean toOk = true;
        if (drill.to().isPresent()) {
            var nodes = s.nodes().stream().map(StatusReport.NodeReport::name).toList();
            toOk = nodes.contains(drill.to().get());
            if (!toOk) checks.append("; no node '").append(drill.to().get()).append("'").append(Suggest.didYouMean(drill.to().get(), nodes));
        }
        for (var e : drill.expect().resources().entrySet()) {
            if (!exists(s, e)) {
                toOk = false;
                checks.append("; expect.resources names ").append(e.getKey()).append(" on ").append(e.getValue())
                        .append(", which this cluster does not have");
            }
        }
        return new Check("target exists", ok && toOk, checks.toString());
    }

    private static boolean exists(StatusReport s, Map.Entry<String, String> placement) {
        boolean node = s.nodes().stream().anyMatch(n -> n.name().equals(placement.getValue()));
        boolean res = s.resources() != null && s.resources().resources().stream()
                .anyMatch(r -> r.id().equals(placement.getKey()) || placement.getKey().equals(r.group()));
        return node && res;
    }

    /** Where a resource, or every member of a group, runs: the node, or empty when not on exactly one node together. */
    public static Optional<String> placement(StatusReport s, String target) {
        if (s.resources() == null) return Optional.empty();
        var rows = s.resources().resources().stream().filter(r -> r.id().equals(target) || target.equals(r.group())).toList();
        if (rows.isEmpty()) return Optional.empty();
        var first = rows.get(0).runningOn();
        if (first.size() != 1) return Optional.empty();
        return rows.stream().allMatch(r -> r.runningOn().equals(first)) ? Optional.of(first.get(0)) : Optional.empty();
    }

    /** Nothing pending, nothing waited for, nothing in transition. */
    public static boolean settled(StatusReport s) {
        var r = s.resources();
        if (r == null) return true;
        return r.pending().isEmpty() && (r.waitingFor() == null || r.waitingFor().isEmpty())
                && r.resources().stream().allMatch(row -> row.transitions() == null || row.transitions().isEmpty());
    }
}
