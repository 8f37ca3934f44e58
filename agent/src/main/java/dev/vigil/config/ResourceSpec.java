package dev.vigil.config;

import dev.vigil.model.ResourceAgentRef;
import java.time.Duration;
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
        int priority) {

    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(20);

    public ResourceSpec {
        params = Map.copyOf(params);
    }

    /** Without notify commands, with priority 0. */
    public ResourceSpec(String id, ResourceAgentRef agent, Map<String, String> params, Optional<MonitorSpec> monitor,
                        Duration startTimeout, Duration stopTimeout, OnFail onFail, boolean cloned) {
        this(id, agent, params, monitor, startTimeout, stopTimeout, onFail, cloned, Optional.empty(), 0);
    }

    /** A recurring monitor: every {@code interval}, each run killed after {@code timeout}. */
    public record MonitorSpec(Duration interval, Duration timeout) {}
}
