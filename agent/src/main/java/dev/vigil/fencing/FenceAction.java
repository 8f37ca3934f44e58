package dev.vigil.fencing;

import java.util.Locale;

/** The actions of the ClusterLabs fence-agents protocol; sent as {@code action=<wireName>}. */
public enum FenceAction {
    OFF, ON, REBOOT, STATUS, MONITOR, METADATA, LIST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the action is about one node, so the agent needs to be told its plug. */
    public boolean targetsNode() {
        return this == OFF || this == ON || this == REBOOT || this == STATUS;
    }
}
