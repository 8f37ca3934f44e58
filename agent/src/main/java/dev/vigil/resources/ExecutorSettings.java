package dev.vigil.resources;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the executor finds agents and how it treats their processes.
 *
 * @param ocfRoot          OCF_ROOT: agents are {@code <ocfRoot>/resource.d/<provider>/<type>}
 * @param vigilScriptsDir  Vigil's own resource-scripts directory; provider {@code vigil} agents are
 *                         {@code <dir>/<type>}. OCF_ROOT stays {@link #ocfRoot} for them, so they can
 *                         still source ClusterLabs' shell functions when those are installed
 * @param rscTmpDir        HA_RSCTMP: where agents keep state files (Dummy's, for one)
 * @param initDir          LSB init scripts, and heartbeat's fallback
 * @param heartbeatDir     heartbeat v1 resource scripts
 * @param systemctl        the systemctl command; looked up on {@link #path} if not absolute
 * @param path             PATH for agents, so they find the same tools however the agent was started
 * @param killGrace        how long a timed-out agent's process group has between SIGTERM and SIGKILL
 * @param threads          how many operations may run at once
 * @param agentEnvironment variables every agent gets on top (Vigil's crm_attribute: HA_SBIN_DIR and
 *                         the control socket it talks to)
 */
public record ExecutorSettings(
        Path ocfRoot,
        Path vigilScriptsDir,
        Path rscTmpDir,
        Path initDir,
        Path heartbeatDir,
        String systemctl,
        String path,
        Duration killGrace,
        int threads,
        Map<String, String> agentEnvironment) {

    public ExecutorSettings {
        Objects.requireNonNull(ocfRoot, "ocfRoot");
        Objects.requireNonNull(vigilScriptsDir, "vigilScriptsDir");
        Objects.requireNonNull(rscTmpDir, "rscTmpDir");
        Objects.requireNonNull(initDir, "initDir");
        Objects.requireNonNull(heartbeatDir, "heartbeatDir");
        Objects.requireNonNull(systemctl, "systemctl");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(killGrace, "killGrace");
        if (killGrace.isNegative()) {
            throw new IllegalArgumentException("killGrace must not be negative");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        agentEnvironment = Map.copyOf(agentEnvironment);
    }

    public ExecutorSettings(Path ocfRoot, Path vigilScriptsDir, Path rscTmpDir, Path initDir, Path heartbeatDir,
                            String systemctl, String path, Duration killGrace, int threads) {
        this(ocfRoot, vigilScriptsDir, rscTmpDir, initDir, heartbeatDir, systemctl, path, killGrace, threads, Map.of());
    }

    /**
     * Vigil's {@code crm_attribute} and {@code crm_master} in {@code toolsDir} first on the agents'
     * PATH and as their HA_SBIN_DIR (ClusterLabs' agents call {@code ${HA_SBIN_DIR}/crm_master}), so
     * that they reach this agent's socket and never Pacemaker's tools, which may be installed too.
     */
    public ExecutorSettings withCrmTools(Path toolsDir, Path controlSocket) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, rscTmpDir, initDir, heartbeatDir, systemctl,
                toolsDir + ":" + path, killGrace, threads,
                Map.of("HA_SBIN_DIR", toolsDir.toString(), "VIGIL_SOCKET", controlSocket.toString()));
    }

    /** The standard Linux locations, with Vigil's scripts in {@code vigilScriptsDir}. */
    public static ExecutorSettings defaults(Path vigilScriptsDir) {
        return new ExecutorSettings(Path.of("/usr/lib/ocf"), vigilScriptsDir, Path.of("/run/resource-agents"),
                Path.of("/etc/init.d"), Path.of("/etc/ha.d/resource.d"), "systemctl",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", Duration.ofSeconds(2), 4);
    }

    public ExecutorSettings withOcfRoot(Path p) {
        return new ExecutorSettings(p, vigilScriptsDir, rscTmpDir, initDir, heartbeatDir, systemctl, path, killGrace, threads, agentEnvironment);
    }

    public ExecutorSettings withRscTmpDir(Path p) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, p, initDir, heartbeatDir, systemctl, path, killGrace, threads, agentEnvironment);
    }

    public ExecutorSettings withInitDir(Path p) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, rscTmpDir, p, heartbeatDir, systemctl, path, killGrace, threads, agentEnvironment);
    }

    public ExecutorSettings withHeartbeatDir(Path p) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, rscTmpDir, initDir, p, systemctl, path, killGrace, threads, agentEnvironment);
    }

    public ExecutorSettings withPath(String p) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, rscTmpDir, initDir, heartbeatDir, systemctl, p, killGrace, threads, agentEnvironment);
    }

    public ExecutorSettings withKillGrace(Duration d) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, rscTmpDir, initDir, heartbeatDir, systemctl, path, d, threads, agentEnvironment);
    }

    public ExecutorSettings withThreads(int n) {
        return new ExecutorSettings(ocfRoot, vigilScriptsDir, rscTmpDir, initDir, heartbeatDir, systemctl, path, killGrace, n, agentEnvironment);
    }
}
