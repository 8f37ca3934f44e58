package dev.vigil.config;

import dev.vigil.model.ResourceAgentRef;
import dev.vigil.model.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One resource of the cluster file: what to run and how to treat its failures.
 *
 * @param id           unique among resources and groups
 * @param agent        the script that manages it ({@code ocf:vigil:IPaddr}, {@code lsb:apache2}, ...)
 * @param params       passed to the agent (OCF_RESKEY_*, or heartbeat-style arguments)
 * @param monitor      the recurring health check; empty means never monitored after start
 * @param startTimeout how long a start may take before it counts as failed (and its process group is killed)
 * @param stopTimeout  how long a stop may take; a stop that fails or times out leaves the node unclean
 * @param onFail       what a failed monitor or start leads to
 * @param cloned       runs on every eligible node at once (haproxy or apache warm everywhere)
 * @param notifyCommands keepalived-style notify commands of a floating IP (docs/alerts.md)
 * @param priority     what running it makes its node worth in a fence race ({@code priority_fencing_delay})
 * @param promotable   a promotable clone's settings (Pacemaker's {@code promotable} clones, docs/promotable.md);
 *                     empty for everything else
 * @param notifyClone  a clone's instances are told before and after each start, stop, promote and demote
 *                     (Pacemaker's {@code notify=true}); not the floating IP's {@code notifyCommands}
 */
public record ResourceSpec(
        String id,
        ResourceAgentRef agent,
        Map<String, String> params,
        Optional<MonitorSpec> monitor,
        Duration startTimeout,
        Duration stopTimeout,
        OnFail onFail,
        boolean cloned,
        Optional<NotifySpec> notifyCommands,
        int priority,
        Optional<Promotable> promotable,
        boolean notifyClone) {

    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(20);

    public ResourceSpec {
        params = Map.copyOf(params);
    }

    /** Without notify commands, with priority 0. */
    public ResourceSpec(String id, ResourceAgentRef agent, Map<String, String> params, Optional<MonitorSpec> monitor,
                        Duration startTimeout, Duration stopTimeout, OnFail onFail, boolean cloned) {
        this(id, agent, params, monitor, startTimeout, stopTimeout, onFail, cloned, Optional.empty(), 0);
    }

    /** Not promotable, without clone notifications. */
    public ResourceSpec(String id, ResourceAgentRef agent, Map<String, String> params, Optional<MonitorSpec> monitor,
                        Duration startTimeout, Duration stopTimeout, OnFail onFail, boolean cloned,
                        Optional<NotifySpec> notifyCommands, int priority) {
        this(id, agent, params, monitor, startTimeout, stopTimeout, onFail, cloned, notifyCommands, priority,
                Optional.empty(), false);
    }

    public boolean isPromotable() {
        return promotable.isPresent();
    }

    /**
     * The recurring monitor of an instance in {@code role}: the one written for that role, else the
     * one written without a role (which then checks instances in either role).
     */
    public Optional<MonitorSpec> monitorFor(Role role) {
        return promotable.flatMap(p -> p.monitors().stream().filter(m -> m.role() == role).findFirst()
                .map(m -> new MonitorSpec(m.interval(), m.timeout()))).or(() -> monitor);
    }

    /**
     * Pacemaker's promotable clone: at most {@code promotedMax} instances promoted in the cluster,
     * {@code promotedNodeMax} on one node, chosen by the promotion scores the agents set.
     *
     * @param monitors the monitors written for a role ({@code role: Promoted} or {@code Unpromoted})
     */
    public record Promotable(int promotedMax, int promotedNodeMax, List<RoleMonitor> monitors) {
        public Promotable {
            monitors = List.copyOf(monitors);
        }
    }

    /** A monitor for instances in one role; its interval differs from every other monitor's of the resource. */
    public record RoleMonitor(Role role, Duration interval, Duration timeout) {}

    /** A recurring monitor: every {@code interval}, each run killed after {@code timeout}. */
    public record MonitorSpec(Duration interval, Duration timeout) {}
}
