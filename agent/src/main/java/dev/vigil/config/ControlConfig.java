package dev.vigil.config;

/**
 * The agent's control port on the cluster network, for the operator console and
 * {@code vigil --connect}: the {@code control:} key of the cluster file.
 *
 * @param enabled   false turns the TCP listener off (the local Unix socket is always served)
 * @param port      the TCP port, bound on the node's own address from {@code nodes:}
 * @param socketDir where the agents' Unix sockets live ({@code <dir>/<cluster>-<node>.sock}); null for
 *                  {@code /run/vigil}. In the file, so the agent and every {@code vigil} command that
 *                  reads the file find the same socket without being told (the demo keeps it in its directory).
 */
public record ControlConfig(boolean enabled, int port, java.nio.file.Path socketDir) {
    public ControlConfig(boolean enabled, int port) {
        this(enabled, port, null);
    }

    /** Next to heartbeat's 694, and unassigned by IANA. */
    public static final int DEFAULT_PORT = 7695;
    public static final ControlConfig DEFAULT = new ControlConfig(true, DEFAULT_PORT);
}
