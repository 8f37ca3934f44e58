package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import dev.vigil.resources.OutputCollector;
import dev.vigil.resources.ProcessSession;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kind: agent}: runs a Pacemaker alert agent with the CRM_alert_* environment. Like resource
 * and fence agents it runs in its own session (util-linux {@code setsid}), so a hung agent is killed
 * at its timeout together with everything it started.
 */
final class AgentAlertSender implements AlertSender {
    private static final Logger LOG = LoggerFactory.getLogger(AgentAlertSender.class);
    private static final Duration KILL_GRACE = Duration.ofMillis(200);
    private static final int STDERR_TAIL = 512;

    private final ToIntFunction<String> nodeIds;
    private final ZoneId zone;

    /** @param nodeIds a node's CRM_alert_nodeid (its position in the cluster file from 1; 0 unknown) */
    AgentAlertSender(ToIntFunction<String> nodeIds, ZoneId zone) {
        this.nodeIds = nodeIds;
        this.zone = zone;
    }

    @Override
    public void send(AlertSpec spec, Delivery d) throws AlertFailure, InterruptedException {
        String path = spec.path().orElseThrow().toString();
        String tag = "alert " + spec.name() + d.recipient().map(r -> " to " + r).orElse("");
        var builder = new ProcessBuilder(List.of("setsid", "-w", path)).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(CrmAlertEnvironment.of(d, spec.timestampFormat(),
                d.event().node() == null ? 0 : nodeIds.applyAsInt(d.event().node()), zone));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AlertFailure("cannot run " + path + ": " + e.getMessage(), false);
        }
        var stderr = new OutputCollector(process.getErrorStream(), STDERR_TAIL, LOG, tag, true, s -> s);
        var reader = new Thread(stderr, "vigil-alert-stderr");
        reader.setDaemon(true);
        reader.start();
        var ending = ProcessSession.await(process, spec.timeout(), KILL_GRACE, List.of(stderr), LOG, tag);
        if (ending.timedOut()) {
            throw AlertFailure.timedOut(spec.timeout());
        }
        int code = ending.exitCode().orElse(-1);
        if (code != 0) {
            String tail = stderr.tail().strip();
            throw new AlertFailure(path + " exited with " + code + (tail.isEmpty() ? "" : ": " + tail), false);
        }
    }
}
