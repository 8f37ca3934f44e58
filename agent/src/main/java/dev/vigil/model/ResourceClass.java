package dev.vigil.model;

/** The kinds of resource scripts Vigil can drive; each has its own calling and status convention. */
public enum ResourceClass {
    /** Open Cluster Framework agents: parameters in the environment, status in the exit code. */
    OCF("ocf"),
    /** LSB init scripts in /etc/init.d: no parameters, status codes of their own. */
    LSB("lsb"),
    /** systemd units, driven through systemctl. */
    SYSTEMD("systemd"),
    /** Linux-HA heartbeat v1 scripts: positional arguments, status read from stdout text. */
    HEARTBEAT("heartbeat");

    private final String prefix;

    ResourceClass(String prefix) {
        this.prefix = prefix;
    }

    /** The name used in agent strings, such as {@code ocf} in {@code ocf:heartbeat:IPaddr2}. */
    public String prefix() {
        return prefix;
    }
}
