package dev.vigil.config;

/** heartbeat's ucast, mcast and bcast media. */
public enum UdpMode {
    UNICAST, MULTICAST, BROADCAST;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
