package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.coordination.Coordination;
import dev.vigil.fencing.FenceAction;
import dev.vigil.fencing.FenceRunner;
import dev.vigil.heartbeat.HeartbeatSender;
import dev.vigil.quorum.PingMonitor;
import dev.vigil.resources.ExecutorSettings;
import dev.vigil.resources.LocalResourceManager;
import dev.vigil.resources.ResourceExecutor;
import dev.vigil.scheduler.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The resource half of an agent, built only when the cluster file has resources: the executor
 * that runs agents, the node's resource manager, fencing, ping and the coordination that ties
 * them to the membership.
 */
final class ResourceManagement implements AutoCloseable {
    private static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    /** How long the fencing heuristic waits for a ping target before it declines to fence. */
    private static final Duration FENCE_PING_TIMEOUT = Duration.ofMillis(300);

    private final ResourceExecutor executor;
    private final LocalResourceManager lrm;
    private final FenceRunner fenceRunner;
    private final PingMonitor ping;
    private final Coordination coordination;
    /** The quorum arbitrator's client, when the cluster file names one (docs/arbitrator.md). */
    private final java.util.Optional<dev.vigil.arbitrator.ArbitratorClient> arbitrator;
    private final ClusterConfig config;
    /**
     * The fence devices as the cluster file now says, read by the fencer: {@code vigil config apply}
     * changes fencing at once (a device's delay included), not when the agent restarts.
     */
    private volatile java.util.List<dev.vigil.model.FenceDevice> fenceDevices;

    /** @param sender read lazily: the sender is created after this */
    ResourceManagement(ClusterConfig config, AgentOptions options, long incarnation, Clock monotonic,
                       Supplier<HeartbeatSender> sender, dev.vigil.coordination.ClusterHistory history) {
        this.config = config;
        this.fenceDevices = config.resources().fencing();
        var self = options.node();
        executor = new ResourceExecutor(ExecutorSettings.defaults(options.ocfScriptsDir())
                .withCrmTools(options.crmToolsDir(), options.socket()));
        var holder = new Coordination[1];
        Runnable changed = () -> {
            if (holder[0] != null) holder[0].onLocalChange();
        };
        lrm = new LocalResourceManager(self, config.resources(), executor, Clock.systemUTC(), changed);
        lrm.setClusterNodes(config.nodeNames());
        fenceRunner = new FenceRunner(FenceRunner.defaultSearchPath(options.fenceScriptsDir()), Duration.ofSeconds(2));
        ping = new PingMonitor(config.resources().ping(), PING_INTERVAL, changed);
        // Pacemaker's default fencing action: power-cycle, so a healthy node comes back by itself.
        Coordination.Fencer fencer = (node, delay) -> {
            var log = org.slf4j.LoggerFactory.getLogger(ResourceManagement.class);
            if (!ping.targets().isEmpty()) {
                log.info("fencing {}: first checking that this node reaches a ping target", node);
            }
            if (!ping.reachableNow(FENCE_PING_TIMEOUT)) {
                org.slf4j.LoggerFactory.getLogger(ResourceManagement.class).error(
                        "not fencing {}: this node reaches none of the ping targets {}, so it is probably the one cut off",
                        node, ping.targets());
                return new dev.vigil.fencing.FenceReport(node, FenceAction.REBOOT, false, java.util.List.of());
            }
            return fenceRunner.fence(node, FenceAction.REBOOT, fenceDevices, false, delay);
        };
        coordination = new Coordination(self, incarnation, config, lrm, new Scheduler()::plan, fencer, ping,
                Clock.systemUTC(), monotonic, options.stateDir(), () -> {
                    var s = sender.get();
                    if (s != null) s.sendNow();
                }, history);
        holder[0] = coordination;
        arbitrator = config.arbitrator().map(a -> new dev.vigil.arbitrator.ArbitratorClient(config.cluster(), self,
                config.nodeNames(), a, monotonic, coordination::onArbitratorChange));
        arbitrator.ifPresent(a -> coordination.useArbitrator(a::vote));
    }

    java.util.Optional<dev.vigil.arbitrator.ArbitratorClient> arbitrator() {
        return arbitrator;
    }

    void reconfigure(ClusterConfig newConfig) {
        fenceDevices = newConfig.resources().fencing();
        ping.retarget(newConfig.resources().ping());
        coordination.reconfigure(newConfig);
    }

    Coordination coordination() {
        return coordination;
    }

    void start() {
        arbitrator.ifPresent(dev.vigil.arbitrator.ArbitratorClient::start);
        ping.start();
        coordination.start();
    }

    /** Stops every local resource, waiting at most the sum of their stop timeouts. */
    void stopAll() {
        var budget = config.resources().resources().stream().map(r -> r.stopTimeout())
                .reduce(Duration.ZERO, Duration::plus).plusSeconds(2);
        // No more dispatches or restarts while stopping: the coordination goes quiet first.
        coordination.close();
        try {
            lrm.stopAll("agent stopping").get(budget.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(ResourceManagement.class)
                    .error("resources did not all stop before the agent leaves: {}", e.toString());
        }
    }

    @Override
    public void close() {
        coordination.close();
        arbitrator.ifPresent(dev.vigil.arbitrator.ArbitratorClient::close);
        ping.close();
        lrm.close();
        executor.close();
        fenceRunner.close();
    }
}
