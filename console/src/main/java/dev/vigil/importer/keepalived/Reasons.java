package dev.vigil.importer.keepalived;

/** Why a keepalived keyword has no place in the cluster file, for the list of what was not carried over. */
final class Reasons {
    private Reasons() {}

    static String instance(String keyword) {
        return switch (keyword) {
            case "preempt_delay" -> "Vigil fails back at once (policy auto_failback) or never; it has no failback delay";
            case "track_interface", "track_file", "track_process", "track_bfd" -> "Vigil does not watch interfaces, files "
                    + "or processes for an IP: a monitored resource in the group (or ping: targets) plays that part";
            case "smtp_alert" -> "mail on a state change is an `alerts:` entry of kind smtp (docs/alerts.md); made only "
                    + "when global_defs names an smtp_server and notification_email";
            case "garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat",
                    "garp_lower_prio_delay", "garp_lower_prio_repeat", "garp_interval", "gna_interval" ->
                    "ocf:vigil:IPaddr announces the address itself (gratuitous ARP) when it starts";
            case "use_vmac", "vmac_xmit_base" -> "Vigil moves the IP address, not a virtual MAC address";
            case "virtual_routes", "virtual_rules" -> "no route resource is imported: add ClusterLabs' ocf:heartbeat:Route "
                    + "to the group by hand";
            case "notify_stop", "notify_deleted" -> "Vigil's notify: has master, backup and fault only (docs/alerts.md)";
            case "mcast_src_ip", "dont_track_primary", "unicast_fault_no_peer", "unicast_ttl", "lvs_sync_daemon_interface",
                    "strict_mode", "accept", "no_accept", "skip_check_adv_addr", "native_ipv6" ->
                    "a VRRP protocol setting: Vigil's heartbeats are not VRRP";
            default -> "no Vigil equivalent";
        };
    }

    static String global(String keyword) {
        return MailAlert.GLOBAL_KEYS.contains(keyword)
                ? "a mail setting: it becomes an `alerts:` entry of kind smtp (docs/alerts.md) where an smtp_alert asks "
                        + "for mail and global_defs names both smtp_server and notification_email; not so here"
                : "a setting of the keepalived process";
    }

    static String topLevel(String keyword) {
        return switch (keyword) {
            case "virtual_server", "virtual_server_group" -> "the lvs resource (ocf:vigil:lvs, the lvs-director recipe) "
                    + "takes one IPv4 address, a port and tcp or udp: not a fwmark, a group or IPv6; the ipvsadm rules this "
                    + "stood for are in the notes";
            case "static_ipaddress", "static_routes", "static_rules" -> "addresses and routes a node always has belong to "
                    + "its own network configuration, not the cluster's";
            case "net_namespace", "instance", "use_pid_dir", "linkbeat_use_polling" -> "a setting of the keepalived process";
            default -> "no Vigil equivalent";
        };
    }
}
