package dev.vigil.alerts;

import dev.vigil.resources.OutputCollector;
import dev.vigil.resources.ProcessSession;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an alert agent or a notify script the way resource and fence agents run: in its own session
 * (util-linux {@code setsid}), stdin from /dev/null, killed with everything it started at its timeout.
 */
final class SessionCommand {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCommand.class);
    private static final Duration KILL_GRACE = Duration.ofMillis(200);
    private static final int STDERR_TAIL = 512;

    private SessionCommand() {}

    /** Returns when it exited 0; throws when it did not, or did not exit within {@code timeout}. */
    static void run(List<String> argv, Map<String, String> env, Duration timeout, String tag)
            throws AlertSender.AlertFailure, InterruptedException {
        var command = new ArrayList<String>(List.of("setsid", "-w"));
        command.addAll(argv);
        var builder = new ProcessBuilder(command).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AlertSender.AlertFailure("cannot run " + argv.get(0) + ": " + e.getMessage(), false);
        }
        var stderr = new OutputCollector(process.getErrorStream(), STDERR_TAIL, LOG, tag, true, s -> s);
        var reader = new Thread(stderr, "vigil-alert-stderr");
        reader.setDaemon(true);
        reader.start();
        var ending = ProcessSession.await(process, timeout, KILL_GRACE, List.of(stderr), LOG, tag);
        if (ending.timedOut()) {
            throw AlertSender.AlertFailure.timedOut(timeout);
        }
        int code = ending.exitCode().orElse(-1);
        if (code != 0) {
            String tail = stderr.tail().strip();
            throw new AlertSender.AlertFailure(argv.get(0) + " exited with " + code + (tail.isEmpty() ? "" : ": " + tail),
                    false);
        }
    }
}
