package dev.vigil.config;

/**
 * The agent's control port on the cluster network, for the operator console and
 * {@code vigil --connect}: the {@code control:} key of the cluster file.
 *
 * @param enabled false turns the TCP listener off (the local Unix socket is always served)
 * @param port    the TCP port, bound on the node's own address from {@code nodes:}
 */
public record ControlConfig(boolean enabled, int port) {
    /** Next to heartbeat's 694, and unassigned by IANA. */
    public static final int DEFAULT_PORT = 7695;
    public static final ControlConfig DEFAULT = new ControlConfig(true, DEFAULT_PORT);
}
