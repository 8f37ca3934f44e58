package dev.vigil.drill;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a drill does to the cluster; each kind has one way to inject its fault and one to undo it. */
public enum Kind {
    /** The target node dies: its fence device reboots it, or a configured command kills its agent and resources. */
    NODE_CRASH("node-crash", true),
    /** The target node's heartbeat links are cut by a configured hook command (nftables on the test bed). */
    LINK_CUT("link-cut", true),
    /** A resource is killed behind the cluster's back by a configured command, so its monitor fails. */
    RESOURCE_FAILURE("resource-failure", false),
    /** A planned move of a resource or group ({@code vigil resource move}), cleared afterwards. */
    SWITCHOVER("switchover", false),
    /** The target node's agent is stopped (SIGSTOP) for a while, then continued. */
    AGENT_FREEZE("agent-freeze", true),
    /** The target node is fenced through its device by the cluster. */
    FENCE("fence", true);

    private final String key;
    private final boolean targetsNode;

    Kind(String key, boolean targetsNode) {
        this.key = key;
        this.targetsNode = targetsNode;
    }

    /** As written in a drill file. */
    public String key() {
        return key;
    }

    /** True when the target is a node, false when it is a resource or group. */
    public boolean targetsNode() {
        return targetsNode;
    }

    public static Optional<Kind> of(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Kind::key).toList();
    }
}
