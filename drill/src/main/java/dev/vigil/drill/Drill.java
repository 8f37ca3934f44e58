package dev.vigil.drill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One drill of a {@code drills:} file: a fault to inject into a running cluster, what the service's
 * clients should see meanwhile (probes), what must hold afterwards (expectations) and how long it
 * may take in all (limits). Read by {@link DrillReader}; run by {@code dev.vigil.drill.run.DrillRun}.
 *
 * @param file   the drill file it came from
 * @param line   where its entry starts, for messages
 * @param target the node (node kinds) or the resource or group (switchover, resource-failure)
 * @param to     switchover only: the node to move to; empty means "any other node" (a ban of the current one)
 */
public record Drill(Path file, int line, String name, String description, Kind kind, String target, Optional<String> to,
                    List<ProbeSpec> probes, Expectations expect, Limits limits, Inject inject) {

    /**
     * How clients reach the service: exactly one of http, tcp or command is set.
     *
     * @param reuse http only: an answer's connection carries the next GET (keep-alive, refreshed
     *              often; see {@code dev.vigil.drill.probe.HttpGet}), or a fresh connection each time
     */
    public record ProbeSpec(String name, ProbeKind kind, String address, Duration interval, Duration timeout,
                            String vantage, boolean reuse) {
        /** Probes run on the machine that runs the drill; any other vantage names the node they run on. */
        public static final String LOCAL = "local";

        /** With the default: connections reused. */
        public ProbeSpec(String name, ProbeKind kind, String address, Duration interval, Duration timeout, String vantage) {
            this(name, kind, address, interval, timeout, vantage, true);
        }
    }

    public enum ProbeKind {
        HTTP, TCP, COMMAND;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param serviceBackWithin the longest outage a probe may see (last answer before → first after); empty: not checked
     * @param resources         resource or group → the node it must run on at the end
     * @param singleHolder      resources (floating IPs) that must never be reported on two nodes at once
     * @param noOtherNodeLost   abort when a node other than the target is lost (default true)
     * @param fenced            whether the target must (true) or must not (false) be fenced; empty: not checked
     */
    public record Expectations(Optional<Duration> serviceBackWithin, Map<String, String> resources,
                               List<String> singleHolder, boolean noOtherNodeLost, Optional<Boolean> fenced) {}

    /**
     * @param budget the whole run, preconditions to restore; past it the drill is aborted and restored
     * @param settle how long the cluster may take to settle after the fault before the run ends anyway
     */
    public record Limits(Duration budget, Duration settle) {
        public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(5);
        public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);
    }

    /**
     * How the fault is made and undone where the kind needs more than the control channel.
     *
     * @param method   node-crash: {@code fence} (the target's fence device reboots it) or {@code command}
     * @param command  the command that injects (resource-failure, link-cut, node-crash by command);
     *                 agent-freeze: a command that prints the agent's PID
     * @param restore  the command that undoes it (link-cut: restores the links; node-crash: restarts the
     *                 agent, e.g. {@code ssh ha1 systemctl start vigil})
     * @param duration how long the fault lasts before it is undone (agent-freeze, link-cut)
     * @param timeout  for each command
     * @param env      extra environment for the commands ({@code DRILL_TARGET} is always set)
     */
    public record Inject(Optional<String> method, Optional<String> command, Optional<String> restore,
                         Optional<Duration> duration, Duration timeout, Map<String, String> env) {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public static Inject none() {
            return new Inject(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT, Map.of());
        }
    }
}
