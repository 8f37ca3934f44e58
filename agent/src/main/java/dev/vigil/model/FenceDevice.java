package dev.vigil.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A configured fence device.
 *
 * @param id      name of the device in the configuration, used in logs and results
 * @param agent   command name of the agent (e.g. {@code fence_ipmilan}), looked up on the runner's
 *                search path; a bare name so configuration cannot point at arbitrary files
 * @param params  device parameters sent to the agent as {@code key=value} lines
 * @param hostMap node name → plug (Pacemaker's {@code pcmk_host_map}); a node not in it is its own plug
 * @param timeout how long one operation may take before its session is killed
 * @param delay   how long it waits before an off or a reboot (Pacemaker's pcmk_delay_base/max)
 */
public record FenceDevice(String id, String agent, Map<String, String> params, Map<String, String> hostMap,
        Duration timeout, FenceDelay delay) {
    /** Pacemaker's default fencing-timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public FenceDevice {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(delay, "delay");
        if (agent.isEmpty() || agent.contains("/") || agent.equals(".") || agent.equals("..")) {
            throw new IllegalArgumentException("agent must be a command name, not a path: " + agent);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        params = checked(params, "params");
        hostMap = checked(hostMap, "hostMap");
    }

    /** Without a delay. */
    public FenceDevice(String id, String agent, Map<String, String> params, Map<String, String> hostMap,
            Duration timeout) {
        this(id, agent, params, hostMap, timeout, FenceDelay.NONE);
    }

    public FenceDevice(String id, String agent, Map<String, String> params) {
        this(id, agent, params, Map.of(), DEFAULT_TIMEOUT);
    }

    /** A device with a host map powers exactly the nodes in it; one without claims every node. */
    public boolean canFence(String node) {
        return hostMap.isEmpty() || hostMap.containsKey(node);
    }

    /** The plug that powers {@code node}. */
    public String plugFor(String node) {
        return hostMap.getOrDefault(node, node);
    }

    public FenceDevice withTimeout(Duration d) {
        return new FenceDevice(id, agent, params, hostMap, d, delay);
    }

    public FenceDevice withDelay(FenceDelay d) {
        return new FenceDevice(id, agent, params, hostMap, timeout, d);
    }

    public FenceDevice withHostMap(Map<String, String> map) {
        return new FenceDevice(id, agent, params, map, timeout, delay);
    }

    // A newline in a key or value would let configuration smuggle extra lines (another action=)
    // into the agent's stdin, so it is refused here rather than escaped.
    private static Map<String, String> checked(Map<String, String> map, String what) {
        Objects.requireNonNull(map, what);
        map.forEach((k, v) -> {
            Objects.requireNonNull(v, what + " value of " + k);
            if (k.isEmpty() || k.contains("=") || hasLineBreak(k) || hasLineBreak(v)) {
                throw new IllegalArgumentException("bad " + what + " entry: " + k);
            }
        });
        return java.util.Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** Public because {@code fencing.FenceRequest} checks its target with the same rule. */
    public static boolean hasLineBreak(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\0') >= 0;
    }
}
