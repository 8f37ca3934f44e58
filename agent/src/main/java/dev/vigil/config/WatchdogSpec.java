package dev.vigil.config;

import java.time.Duration;
import java.util.Map;

/**
 * {@code watchdog:}: self-fencing by a watchdog device, as SBD does without a shared disk
 * (docs/fencing.md, "Watchdog self-fencing"). Each node pets its device only while it is healthy and
 * quorate; a node that stops petting is reset by the device within {@code timeout}.
 *
 * @param device       the device every node opens, {@code /dev/watchdog} by default
 * @param deviceByNode a node's own device when it differs (several nodes on one test host)
 * @param timeout      the device's timeout; the driver's own must match it (the agent checks sysfs)
 */
public record WatchdogSpec(String device, Map<String, String> deviceByNode, Duration timeout) {

    public static final String DEFAULT_DEVICE = "/dev/watchdog";

    public WatchdogSpec {
        deviceByNode = Map.copyOf(deviceByNode);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("watchdog timeout must be positive");
        }
    }

    /** The device {@code node} opens. */
    public String deviceFor(String node) {
        return deviceByNode.getOrDefault(node, device);
    }

    /**
     * How long after a node was declared lost the rest of the cluster may treat it as reset: twice
     * the timeout, SBD's default for Pacemaker's {@code stonith-watchdog-timeout}. One timeout is the
     * device's; the other covers the lost node noticing its loss of quorum later than we noticed its
     * loss (its own detection, a pet already written just before).
     */
    public Duration selfFenceWait() {
        return timeout.multipliedBy(2);
    }
}
