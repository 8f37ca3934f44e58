package dev.vigil.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the threads that heartbeats depend on real-time scheduling (SCHED_RR), as heartbeat did
 * with {@code realtime on} and corosync does by default: on a host whose cores are saturated by
 * batch work, a normal-priority sender can be held off the CPU for longer than the fast preset's
 * deadtime, and the peers declare a healthy node dead.
 *
 * <p>Only the threads that must run on time are promoted — the sender, the detector, the link
 * receivers, the coordination thread (it turns a death into a takeover: at normal priority it
 * woke up or was preempted for 5–10 ms at a time on a busy host, on the failover path) and the
 * watchdog's petter (a starved one resets a healthy node), the
 * JVM's "VM Thread" (which runs SerialGC's collections, so a pause is not stretched by
 * preemption) — never the control socket or anything that forks. A thread inherits its
 * creator's policy and a process its parent thread's, so no promoted thread may start a thread
 * or a process: the pools the coordination thread hands work to (resource operations, monitors,
 * fence agents) are started before it is promoted, and scripts run on their threads. Java has no
 * API for a thread's scheduling policy, so the native thread ids are found by name in
 * {@code /proc/self/task/<tid>/comm} (the JVM names native threads after Java threads, cut to
 * 15 characters) and promoted with util-linux {@code chrt}. The kernel's RT throttling
 * ({@code sched_rt_runtime_us}, 95 % by default) keeps a runaway promoted thread from locking up
 * the host.
 */
final class RealtimePriority {
    private static final Logger LOG = LoggerFactory.getLogger(RealtimePriority.class);
    /** The lowest RT priority: above every normal thread, below the kernel's own RT work. */
    static final int PRIORITY = 1;

    private RealtimePriority() {}

    /** Thread names (as the kernel sees them) that heartbeats depend on. */
    static boolean isTimingCritical(String comm) {
        return comm.equals("VM Thread")
                || comm.startsWith("vigil-heartbea")
                || comm.equals("vigil-detector")
                || comm.equals("vigil-coordinat")
                || comm.equals("vigil-watchdog") // a starved petter resets a healthy node
                || comm.startsWith("vigil-udp-")
                || comm.startsWith("vigil-serial-");
    }

    /**
     * Promotes every current thread of this process whose name matches.
     *
     * @return how many threads were promoted; failures are logged once, with what to do
     */
    static int promote(Predicate<String> which) {
        var tids = new ArrayList<String>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (var task : tasks.toList()) {
                try {
                    if (which.test(Files.readString(task.resolve("comm")).trim())) {
                        tids.add(task.getFileName().toString());
                    }
                } catch (IOException e) {
                    // The thread ended while we looked.
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list this process's threads ({}); heartbeat threads keep normal priority", e.getMessage());
            return 0;
        }
        int promoted = 0;
        String failure = null;
        for (var tid : tids) {
            var result = run(List.of("chrt", "--rr", "-p", String.valueOf(PRIORITY), tid));
            if (result == null) {
                promoted++;
            } else {
                failure = result;
            }
        }
        if (failure != null) {
            LOG.warn("could not give heartbeat threads real-time priority ({}); under CPU contention heartbeats may "
                    + "leave late. Run the agent as root or with CAP_SYS_NICE, or pass --no-realtime to silence this",
                    failure);
        } else {
            LOG.info("real-time priority (SCHED_RR {}) for {} heartbeat threads", PRIORITY, promoted);
        }
        return promoted;
    }

    /** @return null on success, else why not */
    private static String run(List<String> command) {
        try {
            var p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            var output = new String(p.getInputStream().readAllBytes()).trim();
            return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + output;
        } catch (IOException e) {
            return "cannot run chrt: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
