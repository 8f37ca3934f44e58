package dev.vigil.cli;

import dev.vigil.control.StatusReport;
import dev.vigil.status.StatusSummary;

/**
 * The human form of a status report, in the spirit of {@code crm_mon -1}. What a resource's state
 * is, and how failures and operator rules read, is decided by {@link StatusSummary}, which the
 * text UI shares; this class only lays it out as plain text.
 */
final class StatusText {
    private StatusText() {}

    static String render(StatusReport r) {
        var sb = new StringBuilder();
        sb.append("Cluster ").append(r.cluster()).append(", seen from ").append(r.node())
                .append(" (incarnation ").append(r.incarnation()).append(")\n");
        sb.append("  view ").append(r.view()).append(": ").append(String.join(", ", r.members()))
                .append("   votes ").append(r.votes().present()).append('/').append(r.votes().total())
                .append("   config version ").append(r.configVersion()).append('\n');
        var t = r.timing();
        sb.append("  timing ").append(t.preset()).append(": keepalive ").append(t.keepaliveMs())
                .append("ms, warntime ").append(t.warntimeMs()).append("ms, deadtime ").append(t.deadtimeMs())
                .append("ms, initdead ").append(t.initdeadMs()).append("ms\n");
        sb.append("\nNodes:\n");
        for (var n : r.nodes()) {
            sb.append(String.format("  %-16s %-8s", n.name(), n.state().toUpperCase()));
            if (n.self()) {
                sb.append(" (this node)");
            } else if (n.lastHeardMs() != null) {
                sb.append(" last heard ").append(n.lastHeardMs()).append("ms ago");
            } else {
                sb.append(" never heard");
            }
            sb.append('\n');
            for (var l : n.links()) {
                sb.append(String.format("      link %-28s %-4s %s%n", l.link(), l.state(),
                        l.lastHeardMs() == null ? "never heard" : l.lastHeardMs() + "ms ago"));
            }
        }
        if (r.resources() != null) {
            renderResources(sb, r.resources());
        }
        if (r.arbitrator() != null) renderArbitrator(sb, r.arbitrator());
        if (r.watchdog() != null) {
            renderWatchdog(sb, r.watchdog());
        }
        if (!r.drops().isEmpty()) {
            sb.append("\nDropped:\n");
            r.drops().forEach((reason, count) -> sb.append(String.format("  %-20s %d%n", reason, count)));
        }
        var h = r.heartbeat();
        if (h.slips() > 0) {
            sb.append("\nWarning: ").append(h.slips()).append(" heartbeats left late (worst ").append(h.maxSlipMs())
                    .append("ms): this node is starved of CPU\n");
        }
        return sb.toString();
    }

    private static void renderResources(StringBuilder sb, StatusReport.ResourcesReport res) {
        sb.append("\nCoordinator: ").append(res.coordinator())
                .append("   Quorum: ").append(res.quorate() ? "yes" : "NO").append(" (").append(res.quorum()).append(')');
        if (res.maintenance()) {
            sb.append("   MAINTENANCE MODE: resources are left alone");
        }
        sb.append('\n');
        if (!res.standby().isEmpty()) sb.append("Standby: ").append(String.join(", ", res.standby())).append('\n');
        if (res.drill() != null) {
            var d = res.drill();
            sb.append("Drill running: ").append(d.drill()).append(" (run ").append(d.runId()).append(") by ").append(d.runner())
                    .append(" since ").append(java.time.Instant.ofEpochMilli(d.sinceMs()))
                    .append(d.fire().isEmpty() ? "" : ", schedule fire " + d.fire())
                    .append(d.abortBy().isEmpty() ? "" : "; abort asked by " + d.abortBy()).append('\n');
        }
        if (!res.lost().isEmpty()) sb.append("Lost (may still run resources): ").append(String.join(", ", res.lost())).append('\n');
        if (!res.fenced().isEmpty()) sb.append("Fenced: ").append(String.join(", ", res.fenced())).append('\n');
        if (!res.constraints().isEmpty()) sb.append("Operator rules: ").append(StatusSummary.operatorRules(res)).append('\n');
        if (!res.waitingFor().isEmpty()) sb.append("Coordinator waiting for: ").append(res.waitingFor()).append('\n');
        for (var row : StatusSummary.multipleActive(res)) {
            sb.append("\nWARNING: ").append(StatusSummary.multipleActiveWarning(row)).append('\n');
        }
        sb.append("\nResources:\n");
        String group = null;
        for (var row : res.resources()) {
            if (row.group() != null && !row.group().equals(group)) {
                sb.append("  Group ").append(row.group()).append(":\n");
            }
            group = row.group();
            String indent = row.group() != null ? "    " : "  ";
            var resourceState = StatusSummary.resourceState(row);
            String state = resourceState.words();
            if (resourceState.stopFailed()) state += "  STOP FAILED (node unclean)";
            if (resourceState.multipleActive()) state += "  MULTIPLE ACTIVE";
            sb.append(String.format("%s%-14s (%s)%s: %s", indent, row.id(), row.agent(), row.cloned() ? " clone" : "", state));
            if (!StatusSummary.promotionScores(row).isEmpty()) {
                sb.append("   promotion scores: ").append(StatusSummary.promotionScores(row));
            }
            if (!row.failures().isEmpty()) {
                sb.append("   failures: ");
                StatusSummary.failureCounts(row).forEach(f -> sb.append(f).append(' '));
            }
            sb.append('\n');
        }
        var failed = new StringBuilder();
        for (var row : res.resources()) {
            row.failures().forEach((node, count) -> failed.append(String.format("  %s on %s: %d failure(s); %s%n",
                    row.id(), node, count, StatusSummary.failedAction(row, node))));
        }
        if (failed.length() > 0) sb.append("\nFailed resource actions (vigil resource cleanup RESOURCE forgets them):\n").append(failed);
        if (!res.pending().isEmpty()) sb.append("\nPending actions: ").append(StatusSummary.pending(res)).append('\n');
        if (!res.notes().isEmpty()) {
            sb.append("\nNotes:\n");
            res.notes().forEach(n -> sb.append("  ").append(n).append('\n'));
        }
        if (res.fencing() != null) renderFencing(sb, res.fencing());
    }

    /** The quorum arbitrator as this node sees it (docs/arbitrator.md, "Status"). */
    static void renderArbitrator(StringBuilder sb, StatusReport.ArbitratorReport a) {
        sb.append("\nArbitrator ").append(a.address()).append(" (").append(a.algorithm()).append(", tie_breaker ")
                .append(a.tieBreaker()).append(", ").append(a.votes()).append(a.votes() == 1 ? " vote" : " votes")
                .append(", lease ").append(a.leaseMs()).append("ms): ").append(a.connected() ? "connected" : "NOT CONNECTED")
                .append(", ").append(a.verdict().toUpperCase());
        if (!a.partition().isEmpty()) sb.append(" for ").append(String.join(", ", a.partition()));
        sb.append(a.holdsVote() ? " (this partition holds its vote" : " (this partition does not hold its vote");
        sb.append(a.leaseLeftMs() > 0 ? ", " + a.leaseLeftMs() + "ms left)" : ")").append('\n');
        if (!a.detail().isEmpty()) sb.append("  ").append(a.detail()).append('\n');
        var refused = new StringBuilder();
        a.refused().forEach((reason, n) -> {
            if (n > 0) refused.append(' ').append(reason).append(' ').append(n);
        });
        if (refused.length() > 0) sb.append("  refused on this connection:").append(refused).append('\n');
    }

    /** This node's watchdog: what it pets, and whether it does (docs/fencing.md). */
    private static void renderWatchdog(StringBuilder sb, StatusReport.WatchdogReport w) {
        sb.append("\nWatchdog: ").append(w.device()).append(w.standIn() ? " (stand-in)" : "")
                .append(", timeout ").append(w.timeoutMs() / 1000).append("s: ").append(w.state().toUpperCase())
                .append(w.lastPetAgeMs() == null ? ", never petted" : ", last pet " + w.lastPetAgeMs() + "ms ago")
                .append(w.reason().isEmpty() ? "" : " (" + w.reason() + ")").append('\n')
                .append("  if this node is lost, the others take it as reset after ").append(w.selfFenceWaitMs() / 1000)
                .append("s (timeout x 2)\n");
    }

    /** Who would win a fence race: the delays, and per node what fencing it would wait now. */
    private static void renderFencing(StringBuilder sb, StatusReport.FencingReport f) {
        sb.append("\nFence races (if a node alone were lost now):\n");
        sb.append("  priority_fencing_delay: ").append(f.priorityFencingDelayMs() == 0 ? "off" : f.priorityFencingDelayMs() + "ms")
                .append('\n');
        for (var d : f.devices()) {
            sb.append(String.format("  device %-16s delay %s%n", d.id(), d.rule()));
        }
        for (var n : f.nodes()) {
            sb.append(String.format("  node %-18s priority %-6d fencing it waits %s%n", n.name(), n.priority(),
                    n.device() == null ? "(no device can fence it)"
                            : span(n.minDelayMs(), n.maxDelayMs()) + (n.priorityDelayMs() > 0
                                    ? " (" + n.priorityDelayMs() + "ms priority delay, then " + n.device() + ")"
                                    : " (" + n.device() + ")")));
        }
    }

    private static String span(long min, long max) {
        return min == max ? min + "ms" : min + "-" + max + "ms";
    }
}
