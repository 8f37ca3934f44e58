package dev.vigil.wizard;

import dev.vigil.config.ClusterConfig;
import dev.vigil.control.ControlClient;
import dev.vigil.control.SerialTestReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * How the serial link wizard reaches each node's agent: op {@code serial-test} on the node's TCP
 * control port, authenticated with the cluster key (the cluster file the console was given).
 */
@FunctionalInterface
interface SerialAgents {
    SerialTestReport call(String node, String verb, List<String> args) throws IOException;

    /** Each node's agent at its address and the cluster's control port, with the cluster key. */
    static SerialAgents of(ClusterConfig config) {
        return (node, verb, args) -> {
            var n = config.node(node).orElseThrow(() -> new IOException(node + " is not a node of the cluster file"));
            if (!config.control().enabled()) throw new IOException("the cluster file turns the agents' control ports off");
            return ControlClient.tcp(new InetSocketAddress(n.address(), config.control().port()), config.key()).serialTest(verb, args);
        };
    }
}
