package dev.vigil.config;

/**
 * What an alert can be told about: the names an alert's {@code events:} list uses. Which node
 * sends each one is the agent's business (docs/alerts.md, "Who sends what").
 */
public enum AlertTopic {
    NODE_JOINED, NODE_LATE, NODE_DEAD, NODE_LEFT, NODE_FENCED,
    RESOURCE_STARTED, RESOURCE_STOPPED, RESOURCE_FAILED, RESOURCE_MOVED,
    QUORUM_LOST, QUORUM_REGAINED, COORDINATOR_CHANGED, DRILL_FINISHED, CONFIG_APPLIED,
    /** A promotable clone's instance promoted, or demoted, on the node that ran the operation. */
    RESOURCE_PROMOTED, RESOURCE_DEMOTED;

    /** As written in the cluster file and the webhook's JSON: {@code node-dead}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
