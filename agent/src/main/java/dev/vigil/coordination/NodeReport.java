package dev.vigil.coordination;

import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import java.util.List;
import java.util.Map;

/**
 * What every node tells the cluster about itself, on every heartbeat: the state of its resources,
 * which dispatched actions it has finished, and what its operators asked for. It is state, not a
 * message: the latest report replaces the previous one, so a lost packet costs nothing but time.
 *
 * @param coordinator            the coordinator whose dispatches {@code completed} answers (empty before any)
 * @param coordinatorIncarnation that coordinator's incarnation
 * @param probeGeneration        the highest record request of that coordinator this node has answered with a settled record
 * @param admin                  the newest operator state this node has seen (a new coordinator starts from the newest)
 * @param pingOk                 it reaches at least one ping target (true when none are configured)
 */
public record NodeReport(
        String node,
        String coordinator,
        long coordinatorIncarnation,
        long probeGeneration,
        Map<String, ResourceEntry> resources,
        List<Completion> completed,
        AdminState admin,
        List<AdminRequest> requests,
        boolean pingOk) {

    public NodeReport {
        coordinator = coordinator == null ? "" : coordinator;
        resources = Map.copyOf(resources);
        completed = List.copyOf(completed);
        requests = List.copyOf(requests);
    }
}
