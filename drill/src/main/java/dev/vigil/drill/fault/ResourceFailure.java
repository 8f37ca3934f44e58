package dev.vigil.drill.fault;

import dev.vigil.drill.ClusterAccess;
import java.io.IOException;
import java.util.List;

/**
 * A resource killed behind the cluster's back by a configured command, so that its monitor fails
 * and the cluster recovers it; restore forgets the failure ({@code vigil resource cleanup}).
 */
final class ResourceFailure implements Fault {
    private final Hook hook;
    private final ClusterAccess cluster;
    private final String target;
    private final String command;
    private boolean injected;

    ResourceFailure(Hook hook, ClusterAccess cluster, String target, String command) {
        this.hook = hook;
        this.cluster = cluster;
        this.target = target;
        this.command = command;
    }

    @Override
    public String inject() throws IOException, InterruptedException {
        injected = true;
        hook.runOrThrow("the kill command", command);
        return "ran `" + command + "`";
    }

    @Override
    public List<RestoreStep> restore() {
        if (!injected) return List.of();
        try {
            var outcome = cluster.admin("cleanup", List.of(target));
            return List.of(new RestoreStep("failures of " + target + " forgotten", outcome.ok(), outcome.message()));
        } catch (IOException e) {
            return List.of(RestoreStep.failed("failures of " + target + " forgotten", e.getMessage()));
        }
    }
}
