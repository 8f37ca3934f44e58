package dev.vigil.drill.fault;

import dev.vigil.drill.ClusterAccess;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A planned move: {@code vigil resource move TARGET TO} (or, without {@code to}, a ban from the
 * node it runs on), which returns once the coordinator has moved it; restore clears the rule, as
 * an operator would after a planned switchover (stickiness then keeps it where it is).
 */
final class Switchover implements Fault {
    private final ClusterAccess cluster;
    private final String target;
    private final Optional<String> to;
    private boolean asked;

    Switchover(ClusterAccess cluster, String target, Optional<String> to) {
        this.cluster = cluster;
        this.target = target;
        this.to = to;
    }

    @Override
    public String inject() throws IOException {
        List<String> args;
        String verb;
        if (to.isPresent()) {
            verb = "move";
            args = List.of(target, to.get());
        } else {
            verb = "ban";
            var from = cluster.status().resources().resources().stream()
                    .filter(r -> r.id().equals(target) || target.equals(r.group()))
                    .flatMap(r -> r.runningOn().stream()).findFirst()
                    .orElseThrow(() -> new IOException(target + " runs nowhere: nothing to switch over"));
            args = List.of(target, from);
        }
        asked = true;
        var outcome = cluster.admin(verb, args);
        if (!outcome.ok()) throw new IOException("vigil resource " + verb + " " + String.join(" ", args) + ": " + outcome.message());
        return "vigil resource " + verb + " " + String.join(" ", args) + ": " + outcome.message();
    }

    @Override
    public List<RestoreStep> restore() {
        if (!asked) return List.of();
        try {
            var outcome = cluster.admin("clear", List.of(target));
            return List.of(new RestoreStep("move/ban rule on " + target + " cleared", outcome.ok(), outcome.message()));
        } catch (IOException e) {
            return List.of(RestoreStep.failed("move/ban rule on " + target + " cleared", e.getMessage()));
        }
    }
}
