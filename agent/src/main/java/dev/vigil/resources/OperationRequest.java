package dev.vigil.resources;

import dev.vigil.model.ResourceAgentRef;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One operation to run on one resource.
 *
 * @param resourceId the resource's name in the cluster configuration (OCF_RESOURCE_INSTANCE)
 * @param agent      the script that manages it
 * @param action     what to do
 * @param params     the resource's parameters; OCF agents get them as OCF_RESKEY_name
 * @param timeout    how long the agent may run before its whole process group is killed
 * @param interval   the monitor interval, passed to the agent for information; zero for a probe
 *                   and for every action other than monitor
 * @param meta       further meta attributes; OCF agents get them as OCF_RESKEY_CRM_meta_name
 */
public record OperationRequest(
        String resourceId,
        ResourceAgentRef agent,
        Action action,
        Map<String, String> params,
        Duration timeout,
        Duration interval,
        Map<String, String> meta) {

    public OperationRequest {
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interval, "interval");
        if (resourceId.isBlank()) {
            throw new IllegalArgumentException("resource id is blank");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative, got " + interval);
        }
        if (action != Action.MONITOR && !interval.isZero()) {
            throw new IllegalArgumentException("only monitor has an interval; " + action + " got " + interval);
        }
        // Sorted copies: the environment, and so the agent's view, doesn't depend on map order.
        params = Map.copyOf(checkKeys(new TreeMap<>(params), "parameter"));
        meta = Map.copyOf(checkKeys(new TreeMap<>(meta), "meta attribute"));
    }

    /** A request without extra meta attributes. */
    public static OperationRequest of(String resourceId, ResourceAgentRef agent, Action action,
                                      Map<String, String> params, Duration timeout) {
        return new OperationRequest(resourceId, agent, action, params, timeout, Duration.ZERO, Map.of());
    }

    /** A recurring monitor. */
    public static OperationRequest monitor(String resourceId, ResourceAgentRef agent, Map<String, String> params,
                                           Duration timeout, Duration interval) {
        return new OperationRequest(resourceId, agent, Action.MONITOR, params, timeout, interval, Map.of());
    }

    private static Map<String, String> checkKeys(Map<String, String> map, String what) {
        map.forEach((k, v) -> {
            Objects.requireNonNull(v, what + " " + k + " has no value");
            // These become environment variable names; '=' or NUL would corrupt the environment.
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad " + what + " name or value: '" + k + "'");
            }
        });
        return map;
    }
}
