package dev.vigil.coordination;

import dev.vigil.scheduler.AdminState;
import java.util.List;

/**
 * What the coordinator tells the cluster, on every heartbeat while it coordinates: the actions in
 * flight, the re-probe it wants, the operator state and answers to operator requests.
 *
 * @param coordinatorIncarnation the coordinator's incarnation: a restarted coordinator's sequence numbers start over
 * @param probeGeneration        grows when a coordinator (re)starts: each node answers once its record is settled (the name is kept on the wire from when it meant a re-probe)
 */
public record Directive(
        String coordinator,
        long coordinatorIncarnation,
        long probeGeneration,
        List<DispatchedAction> actions,
        AdminState admin,
        List<AdminReply> replies) {

    public Directive {
        actions = List.copyOf(actions);
        replies = List.copyOf(replies);
    }
}
