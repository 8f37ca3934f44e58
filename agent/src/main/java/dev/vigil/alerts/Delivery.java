package dev.vigil.alerts;

import java.util.Optional;

/**
 * One send of one event by one alert: what a sender is given.
 *
 * @param sequence  this node's alert sequence number (CRM_alert_node_sequence), one per event
 * @param recipient for an agent, the recipient of this run (it runs once per recipient)
 * @param cluster   the cluster's name
 * @param sender    the node that sends it
 */
public record Delivery(AlertEvent event, long sequence, Optional<String> recipient, String cluster, String sender) {}
