package dev.vigil.resources;

import java.util.Locale;

/** Turns each class's way of reporting into an {@link Outcome}. Pure functions, so tested without processes. */
final class ExitCodeMapping {
    private ExitCodeMapping() {
    }

    static Outcome ocf(int exitCode) {
        return Outcome.fromOcfExitCode(exitCode);
    }

    /**
     * LSB init scripts. For start and stop, LSB codes 0-7 mean the same as OCF's. Status has its
     * own codes: 0 running, 3 stopped, and 1/2 "dead but a pid/lock file remains". We map 1 and 2
     * to NOT_RUNNING, as Pacemaker does: nothing is serving, and a stop (which must be idempotent)
     * is what cleans up the stale file, whereas ERR_GENERIC would make the resource look failed
     * on a node where it was never started. 4 (status unknown) and anything else is ERR_GENERIC.
     */
    static Outcome lsb(Action action, int exitCode) {
        if (action.isStatusCheck()) {
            return switch (exitCode) {
                case 0 -> Outcome.SUCCESS;
                case 1, 2, 3 -> Outcome.NOT_RUNNING;
                default -> Outcome.ERR_GENERIC;
            };
        }
        return exitCode >= 0 && exitCode <= 7 ? Outcome.fromOcfExitCode(exitCode) : Outcome.ERR_GENERIC;
    }

    /**
     * Heartbeat v1 scripts: start and stop succeed on exit 0; status is read from stdout as
     * heartbeat's ResourceManager did: "not running" means down, else "running" or "OK" means up,
     * and anything else counts as down (heartbeat only claimed resources it saw as running).
     */
    static Outcome heartbeat(Action action, int exitCode, String stdout) {
        if (!action.isStatusCheck()) {
            return exitCode == 0 ? Outcome.SUCCESS : Outcome.ERR_GENERIC;
        }
        String lower = stdout.toLowerCase(Locale.ROOT);
        if (lower.contains("not running")) {
            return Outcome.NOT_RUNNING;
        }
        if (lower.contains("running") || stdout.contains("OK")) {
            return Outcome.SUCCESS;
        }
        return Outcome.NOT_RUNNING;
    }

    /**
     * systemd via systemctl. start/stop: 0 is success, 5 (unit not loaded / not found) is
     * ERR_INSTALLED, anything else ERR_GENERIC. Status uses {@code is-active}'s one-word stdout
     * rather than its exit code, which is non-zero for every state but active: "active" and
     * "reloading" are up; "inactive", "failed" and "unknown" are down; "activating" and
     * "deactivating" are transitions we have no pending outcome for, so ERR_GENERIC. An empty
     * stdout means systemctl itself failed (e.g. no systemd running): ERR_GENERIC.
     */
    static Outcome systemd(Action action, int exitCode, String stdout) {
        if (!action.isStatusCheck()) {
            return switch (exitCode) {
                case 0 -> Outcome.SUCCESS;
                case 5 -> Outcome.ERR_INSTALLED;
                default -> Outcome.ERR_GENERIC;
            };
        }
        String state = stdout.strip();
        int newline = state.lastIndexOf('\n');
        state = state.substring(newline + 1).strip();
        return switch (state) {
            case "active", "reloading" -> Outcome.SUCCESS;
            case "inactive", "failed", "unknown" -> Outcome.NOT_RUNNING;
            default -> Outcome.ERR_GENERIC;
        };
    }
}
