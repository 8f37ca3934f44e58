package dev.vigil.fencing;

import java.util.List;
import java.util.Objects;

/**
 * What came of fencing a node through a list of devices.
 *
 * @param node     the node
 * @param action   off, reboot or on
 * @param fenced   whether some device did it (and, if verified, its status agreed)
 * @param attempts every operation run, in order, status checks included
 */
public record FenceReport(String node, FenceAction action, boolean fenced, List<FenceResult> attempts) {
    public FenceReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(action, "action");
        attempts = List.copyOf(attempts);
    }
}
