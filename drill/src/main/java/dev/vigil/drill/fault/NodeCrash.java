package dev.vigil.drill.fault;

import dev.vigil.fencing.FenceAction;
import dev.vigil.fencing.FenceRunner;
import dev.vigil.model.FenceDevice;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The target node dies: either its fence device reboots it (the cluster file's devices, run from
 * this machine as the cluster would run them), or a configured command kills its agent and
 * everything it runs. Restore runs the configured restart command, if any: a crashed node's agent
 * comes back through its service manager ({@code ssh NODE systemctl start vigil}); the run then
 * waits for the node to be online again.
 */
final class NodeCrash implements Fault {
    private final Hook hook;
    private final String target;
    private final Optional<String> command;
    private final Optional<String> restart;
    private final Optional<FenceRunner> fenceRunner;
    private final List<FenceDevice> devices;
    private boolean injected;

    NodeCrash(Hook hook, String target, Optional<String> command, Optional<String> restart,
              Optional<FenceRunner> fenceRunner, List<FenceDevice> devices) {
        this.hook = hook;
        this.target = target;
        this.command = command;
        this.restart = restart;
        this.fenceRunner = fenceRunner;
        this.devices = devices;
    }

    @Override
    public String inject() throws IOException, InterruptedException {
        injected = true;
        if (command.isPresent()) {
            hook.runOrThrow("the crash command", command.get());
            return "ran `" + command.get() + "`";
        }
        var report = fenceRunner.orElseThrow().fence(target, FenceAction.REBOOT, devices);
        if (!report.fenced()) {
            throw new IOException("rebooting " + target + " through its fence device failed: "
                    + report.attempts().stream().map(a -> a.deviceId() + ": " + a.reason()).toList());
        }
        return target + " rebooted through fence device " + report.attempts().get(report.attempts().size() - 1).deviceId();
    }

    @Override
    public List<RestoreStep> restore() {
        return injected ? List.of(hook.bringBack(target + "'s agent restarted", target, restart)) : List.of();
    }
}
