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

    /** How often a node pets its device: a quarter of the timeout, at most a second. */
    public Duration petInterval() {
        Duration quarter = timeout.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? quarter : Duration.ofSeconds(1);
    }

    /**
     * How much later than the others a cut-off node may notice it lost quorum: the others may
     * declare it lost as early as deadtime after its last beat, a keepalive before the cut; it
     * declares them dead at most its own deadtime after the cut, which in its first seconds after a
     * restart is at least {@link Timing#JOINING_DEADTIME}; plus a keepalive for its own detector's
     * lateness. The second timeout of {@link #selfFenceWait}, less a pet interval (a pet written
     * just before it noticed), must cover this: {@link #marginFor}.
     */
    public static Duration noticeLag(Timing timing) {
        Duration joining = Timing.JOINING_DEADTIME.minus(timing.deadtime());
        return timing.keepalive().multipliedBy(2).plus(joining.isNegative() ? Duration.ZERO : joining);
    }

    /** The margin the rule leaves: one timeout less a pet interval (see {@link #noticeLag}). */
    public Duration margin() {
        return timeout.minus(petInterval());
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
