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
 * @param attributes             its own transient node attributes ({@code crm_attribute -l reboot}, promotion scores)
 * @param permanentAttributes    the permanent node attributes and cluster properties it knows ({@link NodeAttributes})
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
        boolean pingOk,
        // Left out when empty: a cluster without promotable resources gossips what it always did.
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        Map<String, String> attributes,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<NodeAttributes.Permanent> permanentAttributes) {

    public NodeReport {
        coordinator = coordinator == null ? "" : coordinator;
        resources = Map.copyOf(resources);
        completed = List.copyOf(completed);
        requests = List.copyOf(requests);
        attributes = attributes == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(attributes));
        permanentAttributes = permanentAttributes == null ? List.of() : List.copyOf(permanentAttributes);
    }

    /** Without node attributes. */
    public NodeReport(String node, String coordinator, long coordinatorIncarnation, long probeGeneration,
                      Map<String, ResourceEntry> resources, List<Completion> completed, AdminState admin,
                      List<AdminRequest> requests, boolean pingOk) {
        this(node, coordinator, coordinatorIncarnation, probeGeneration, resources, completed, admin, requests, pingOk,
                Map.of(), List.of());
    }
}
