package dev.vigil.cli;

import dev.vigil.control.StatusReport;

/** The human form of a status report, in the spirit of {@code crm_mon -1}. */
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
}
