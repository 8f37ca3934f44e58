package dev.vigil.config;

import java.net.InetAddress;

/**
 * One cluster member, like ha.cf's {@code node} line.
 *
 * @param name    must match the node's {@code uname -n}, unless the agent is started with --node
 * @param address where unicast heartbeats and (later) control requests reach it
 * @param votes   its weight in quorum; 1 unless the file says otherwise
 */
public record NodeConfig(String name, InetAddress address, int votes) {
    /**
     * The most nodes a cluster may have: a heartbeat carries its sender's view, which holds at
     * most this many members (the heartbeat codec's limit is this constant), and 64 agents is
     * what the scale benchmark measured.
     */
    public static final int MAX_NODES = 64;
}
