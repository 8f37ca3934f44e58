package dev.vigil.alerts;

import static dev.vigil.alerts.AlertFixtures.AT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.AlertTopic;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CRM_alert_* variables, as Pacemaker Explained ("Alert Agents") documents them. */
class CrmAlertEnvironmentTest {

    @Test
    void aNodeDeathIsANodeAlertWithTheNodeLost() {
        var env = CrmAlertEnvironment.of(AlertFixtures.delivery(AlertFixtures.nodeDead("ha1"), 7, "/tmp/log"),
                "%H:%M:%S.%06N", 1, ZoneOffset.UTC);
        assertThat(env).containsAllEntriesOf(Map.of(
                "CRM_alert_kind", "node", "CRM_alert_node", "ha1", "CRM_alert_nodeid", "1", "CRM_alert_desc", "lost",
                "CRM_alert_recipient", "/tmp/log", "CRM_alert_node_sequence", "7",
                "CRM_alert_timestamp", "03:20:01.123456", "CRM_alert_timestamp_epoch", Long.toString(AT.getEpochSecond()),
                "CRM_alert_timestamp_usec", "123456", "CRM_alert_version", CrmAlertEnvironment.PACEMAKER_VERSION));
        assertThat(env).doesNotContainKeys("CRM_alert_rsc", "CRM_alert_task");
    }

    @Test
    void aResourceAlertHasItsOperationAndResult() {
        var failed = new AlertEvent(AlertTopic.RESOURCE_FAILED, AT, "ha1", "www", "monitor", 7, "www failed on ha1",
                Map.of("interval_ms", "5000"));
        var env = CrmAlertEnvironment.of(AlertFixtures.delivery(failed, 1, null), "%s", 1, ZoneOffset.UTC);
        assertThat(env).containsAllEntriesOf(Map.of(
                "CRM_alert_kind", "resource", "CRM_alert_rsc", "www", "CRM_alert_task", "monitor",
                "CRM_alert_interval", "5000", "CRM_alert_rc", "7", "CRM_alert_target_rc", "0", "CRM_alert_status", "0",
                "CRM_alert_desc", "not running", "CRM_alert_recipient", "",
                "CRM_alert_timestamp", Long.toString(AT.getEpochSecond())));
    }

    @Test
    void aPromotedInstancesFailedMonitorHasItsRealCodeAndTarget() {
        for (var rc : Map.of(0, "ok", 9, "promoted (failed)", 190, "OCF_DEGRADED", 191, "promoted (degraded)").entrySet()) {
            var failed = new AlertEvent(AlertTopic.RESOURCE_FAILED, AT, "ha1", "db", "monitor", rc.getKey(), "db failed on ha1",
                    Map.of("operation", "monitor: rc " + rc.getKey(), "target_rc", "8"));
            var env = CrmAlertEnvironment.of(AlertFixtures.delivery(failed, 1, null), "%s", 1, ZoneOffset.UTC);
            assertThat(env).containsAllEntriesOf(Map.of("CRM_alert_rc", Integer.toString(rc.getKey()),
                    "CRM_alert_target_rc", "8", "CRM_alert_desc", rc.getValue()));
        }
    }

    @Test
    void aPromotionIsAResourceAlertWithTaskPromoteAsPacemakersAndADemotionDemote() {
        for (var t : Map.of(AlertTopic.RESOURCE_PROMOTED, "promote", AlertTopic.RESOURCE_DEMOTED, "demote").entrySet()) {
            var e = new AlertEvent(t.getKey(), AT, "ha2", "db", t.getValue(), 0, "db " + t.getValue() + "d on ha2", Map.of());
            var env = CrmAlertEnvironment.of(AlertFixtures.delivery(e, 1, null), "%s", 2, ZoneOffset.UTC);
            assertThat(env).containsAllEntriesOf(Map.of("CRM_alert_kind", "resource", "CRM_alert_rsc", "db",
                    "CRM_alert_task", t.getValue(), "CRM_alert_node", "ha2", "CRM_alert_rc", "0", "CRM_alert_target_rc", "0",
                    "CRM_alert_desc", "ok"));
        }
    }

    @Test
    void aFenceIsAFencingAlertInPacemakersWords() {
        var fenced = new AlertEvent(AlertTopic.NODE_FENCED, AT, "ha1", null, "reboot", 0, "node ha1 fenced", Map.of());
        var env = CrmAlertEnvironment.of(AlertFixtures.delivery(fenced, 3, null), "%H", 1, ZoneOffset.UTC);
        assertThat(env).containsEntry("CRM_alert_kind", "fencing").containsEntry("CRM_alert_task", "reboot")
                .containsEntry("CRM_alert_rc", "0")
                .containsEntry("CRM_alert_desc", "Operation reboot of ha1 by ha2 for vigil@ha2: OK");
    }

    @Test
    void vigilsOwnEventsCarryTheirMessage() {
        var lost = AlertEvent.about(AlertTopic.QUORUM_LOST, AT, "ha2", "quorum lost: 1 of 3 votes");
        var env = CrmAlertEnvironment.of(AlertFixtures.delivery(lost, 3, null), "%H", 2, ZoneOffset.UTC);
        assertThat(env).containsEntry("CRM_alert_kind", "vigil").containsEntry("CRM_alert_desc", "quorum lost: 1 of 3 votes");
    }

    @Test
    void timestampFormatsAsStrftimeWithPacemakersFractions() {
        assertThat(Strftime.format("%Y-%m-%d,%H:%M:%S.%01N", AT, ZoneOffset.UTC)).isEqualTo("2026-12-06,03:20:01.1");
        assertThat(Strftime.format("%F %T.%3N %N %% %q", AT, ZoneOffset.UTC))
                .isEqualTo("2026-12-06 03:20:01.123 123456789 % %q");
        assertThat(Strftime.format("%b %e %j %z", AT, ZoneOffset.ofHours(2))).isEqualTo("Dec  6 340 +0200");
    }
}
