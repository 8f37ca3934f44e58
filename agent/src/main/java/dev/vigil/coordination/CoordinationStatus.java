package dev.vigil.coordination;

import dev.vigil.quorum.Quorum;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Plan;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A consistent snapshot of what this node knows about resources, for {@code vigil status}.
 *
 * @param resourcesByNode for each member whose report this node has: resource id → state there
 * @param plan            the coordinator's latest plan (empty on other nodes)
 * @param inFlight        actions dispatched and not yet answered: the coordinator's own, or on other
 *                        nodes those of the directive they follow (so every node shows Starting/Stopping)
 * @param waitingFor      why the coordinator decides nothing right now, empty when it does
 */
public record CoordinationStatus(
        String coordinator,
        Quorum quorum,
        AdminState admin,
        Map<String, Map<String, ResourceEntry>> resourcesByNode,
        Plan plan,
        List<DispatchedAction> inFlight,
        String waitingFor,
        Set<String> lost,
        Set<String> fenced) {}
