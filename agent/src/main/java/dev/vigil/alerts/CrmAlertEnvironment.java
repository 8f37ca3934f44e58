package dev.vigil.alerts;

import dev.vigil.config.AlertTopic;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of a Pacemaker alert agent (Pacemaker Explained, "Alert Agents"), so that
 * Pacemaker's agents run under Vigil unmodified. The table of what each variable holds for each
 * event is in docs/alerts.md.
 */
final class CrmAlertEnvironment {
    /** The Pacemaker version whose alert interface this is; agents only test that it is set. */
    static final String PACEMAKER_VERSION = "2.1.5";

    private CrmAlertEnvironment() {}

    /**
     * @param nodeId the node's position in the cluster file, from 1 (Pacemaker's node id), or 0 when
     *               the event is about no node
     */
    static Map<String, String> of(Delivery d, String timestampFormat, int nodeId, ZoneId zone) {
        AlertEvent e = d.event();
        var env = new LinkedHashMap<String, String>();
        env.put("CRM_alert_version", PACEMAKER_VERSION);
        env.put("CRM_alert_recipient", d.recipient().orElse(""));
        env.put("CRM_alert_node_sequence", Long.toString(d.sequence()));
        env.put("CRM_alert_timestamp", Strftime.format(timestampFormat, e.at(), zone));
        env.put("CRM_alert_timestamp_epoch", Long.toString(e.at().getEpochSecond()));
        env.put("CRM_alert_timestamp_usec", Long.toString(e.at().getNano() / 1_000));
        env.put("CRM_alert_kind", kind(e.topic()));
        env.put("CRM_alert_node", e.node() == null ? "" : e.node());
        switch (kind(e.topic())) {
            case "node" -> {
                env.put("CRM_alert_nodeid", Integer.toString(nodeId));
                env.put("CRM_alert_desc", nodeState(e.topic()));
            }
            case "fencing" -> {
                String task = e.task() == null ? "reboot" : e.task();
                env.put("CRM_alert_task", task);
                env.put("CRM_alert_rc", Integer.toString(e.rc()));
                // Pacemaker's wording: "Operation reboot of ha1 by ha2 for ...: OK"
                env.put("CRM_alert_desc", "Operation " + task + " of " + e.node() + " by " + d.sender()
                        + " for vigil@" + d.sender() + ": " + (e.rc() == 0 ? "OK" : "Error (rc=" + e.rc() + ")"));
            }
            case "resource" -> {
                env.put("CRM_alert_rsc", e.resource() == null ? "" : e.resource());
                env.put("CRM_alert_task", e.task() == null ? "" : e.task());
                env.put("CRM_alert_interval", e.details().getOrDefault("interval_ms", "0"));
                env.put("CRM_alert_rc", Integer.toString(e.rc()));
                env.put("CRM_alert_target_rc", e.details().getOrDefault("target_rc", "0"));
                env.put("CRM_alert_status", "0"); // PCMK_EXEC_DONE: the operation ran; rc says how
                env.put("CRM_alert_desc", ocfResult(e.rc()));
            }
            default -> env.put("CRM_alert_desc", e.message());
        }
        return env;
    }

    /** Pacemaker's kinds; Vigil's own cluster events (quorum, coordinator, config, drills) are {@code vigil}. */
    static String kind(AlertTopic t) {
        return switch (t) {
            case NODE_JOINED, NODE_LATE, NODE_DEAD, NODE_LEFT -> "node";
            case NODE_FENCED -> "fencing";
            case RESOURCE_STARTED, RESOURCE_STOPPED, RESOURCE_FAILED, RESOURCE_MOVED, RESOURCE_PROMOTED, RESOURCE_DEMOTED ->
                    "resource";
            default -> "vigil";
        };
    }

    private static String nodeState(AlertTopic t) {
        return switch (t) {
            case NODE_JOINED -> "member";
            case NODE_LATE -> "late";
            default -> "lost";
        };
    }

    /** Pacemaker's services_ocf_exitcode_str: what CRM_alert_desc says of a finished operation. */
    static String ocfResult(int rc) {
        return switch (rc) {
            case 0 -> "ok";
            case 1 -> "error";
            case 2 -> "invalid parameter";
            case 3 -> "unimplemented feature";
            case 4 -> "insufficient privileges";
            case 5 -> "not installed";
            case 6 -> "not configured";
            case 7 -> "not running";
            case 8 -> "promoted";
            case 9 -> "promoted (failed)";
            case 190 -> "OCF_DEGRADED"; // sic: Pacemaker's word
            case 191 -> "promoted (degraded)";
            default -> "unknown";
        };
    }
}
