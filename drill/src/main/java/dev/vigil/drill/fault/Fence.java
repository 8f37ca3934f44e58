package dev.vigil.drill.fault;

import dev.vigil.drill.ClusterAccess;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The cluster fences the target: the operator's fence request ({@code vigil node fence TARGET}),
 * which the coordinator runs through the cluster file's fence devices, records in its history like
 * an automatic fence, and answers once the cluster settled after it. Restore brings the node back
 * with the configured command (its agent restarted through its service manager, or the device's
 * {@code on}); the run then waits for the node to be online again.
 */
final class Fence implements Fault {
    private final Hook hook;
    private final ClusterAccess cluster;
    private final String target;
    private final Optional<String> restart;
    private boolean asked;

    Fence(Hook hook, ClusterAccess cluster, String target, Optional<String> restart) {
        this.hook = hook;
        this.cluster = cluster;
        this.target = target;
        this.restart = restart;
    }

    @Override
    public String inject() throws IOException {
        asked = true;
        var outcome = cluster.admin("fence", List.of(target));
        if (!outcome.ok()) throw new IOException("vigil node fence " + target + ": " + outcome.message());
        return "vigil node fence " + target + ": " + outcome.message();
    }

    @Override
    public List<RestoreStep> restore() {
        return asked ? List.of(hook.bringBack(target + " back online", target, restart)) : List.of();
    }
}
