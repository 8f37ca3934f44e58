package dev.vigil.drill.fault;

import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.Drill;
import dev.vigil.fencing.FenceRunner;
import dev.vigil.model.FenceDevice;
import java.util.List;
import java.util.Optional;

/** The real fault for each kind, as it can be made from the operator's machine. */
public final class Faults {
    private Faults() {}

    /** A kind this release cannot inject; the drill is refused with this reason. */
    public static final class Unsupported extends Exception {
        public Unsupported(String message) {
            super(message);
        }
    }

    /**
     * @param fenceRunner runs the cluster file's fence agents here (node-crash by fence device)
     * @param devices     the cluster file's fence devices
     */
    public static Fault create(Drill drill, ClusterAccess cluster, CommandRunner commands,
                               Optional<FenceRunner> fenceRunner, List<FenceDevice> devices) throws Unsupported {
        var hook = new Hook(drill, commands);
        var inject = drill.inject();
        return switch (drill.kind()) {
            case SWITCHOVER -> new Switchover(cluster, drill.target(), drill.to());
            case RESOURCE_FAILURE -> new ResourceFailure(hook, cluster, drill.target(), inject.command().orElseThrow());
            case LINK_CUT -> new LinkCut(hook, inject.command().orElseThrow(), inject.restore().orElseThrow(), inject.duration());
            case AGENT_FREEZE -> new AgentFreeze(hook, inject.command().orElseThrow(), inject.duration().orElseThrow(), inject.restore());
            case NODE_CRASH -> {
                boolean byCommand = inject.method().orElse("fence").equals("command");
                var ours = devices.stream().filter(d -> d.canFence(drill.target())).toList();
                if (!byCommand && (fenceRunner.isEmpty() || ours.isEmpty())) {
                    throw new Unsupported("node-crash by fence device, but the cluster file has no fence device for "
                            + drill.target() + "; configure one or use `inject: {method: command, command: ...}`");
                }
                yield new NodeCrash(hook, drill.target(), byCommand ? inject.command() : Optional.empty(), inject.restore(),
                        fenceRunner, ours);
            }
            case FENCE -> new Fence(hook, cluster, drill.target(), inject.restore());
        };
    }
}
