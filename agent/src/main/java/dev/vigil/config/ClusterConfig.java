package dev.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The validated cluster file. Instances only come out of {@link ConfigLoader}, which refuses a
 * file with any error, so code that holds a ClusterConfig can trust every invariant.
 *
 * @param source        the file it was read from
 * @param cluster       the cluster's name; it travels in every packet, so two clusters can share a network
 * @param version       the configuration version (the {@code version:} key, 1 when absent); a node
 *                      that sees a peer with a newer version knows its own file is stale
 * @param keyFile       the shared secret's file (mode 0600)
 * @param key           the shared secret itself, used for HMAC-SHA256 on every packet
 * @param encrypt       {@code auth: {encrypt: true}}: heartbeats go out encrypted as well (false when absent)
 * @param timingPreset  the preset named in the file (lan when absent)
 * @param timing        the preset with any explicit overrides applied
 * @param resources     resources, groups, constraints, policy, fencing and ping targets
 * @param control       the TCP control port ({@code control:}; on, port 7695 when absent)
 * @param metrics       the Prometheus endpoint ({@code metrics:}; off when absent)
 * @param text          the file's text as read, which is what the cluster distributes
 * @param arbitrator    the quorum arbitrator ({@code arbitrator:}; none when absent, docs/arbitrator.md)
 */
public record ClusterConfig(
        Path source,
        String cluster,
        long version,
        Path keyFile,
        ClusterKey key,
        boolean encrypt,
        TimingPreset timingPreset,
        Timing timing,
        List<NodeConfig> nodes,
        List<LinkConfig> links,
        ResourcesConfig resources,
        ControlConfig control,
        MetricsConfig metrics,
        String text,
        Optional<ArbitratorConfig> arbitrator) {

    public ClusterConfig {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        arbitrator = arbitrator == null ? Optional.empty() : arbitrator;
    }

    /** Heartbeats authenticated, not encrypted, and no arbitrator. */
    public ClusterConfig(Path source, String cluster, long version, Path keyFile, ClusterKey key,
                         TimingPreset timingPreset, Timing timing, List<NodeConfig> nodes, List<LinkConfig> links,
                         ResourcesConfig resources, ControlConfig control, MetricsConfig metrics, String text) {
        this(source, cluster, version, keyFile, key, false, timingPreset, timing, nodes, links, resources, control,
                metrics, text, Optional.empty());
    }

    /** Node names in file order, which is also the order of preference among equals. */
    public List<String> nodeNames() {
        return nodes.stream().map(NodeConfig::name).toList();
    }

    public Optional<NodeConfig> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Every node except the named one, in file order. */
    public List<NodeConfig> peersOf(String name) {
        return nodes.stream().filter(n -> !n.name().equals(name)).toList();
    }

    /** The links this node takes part in (all UDP links, and the serial cables attached to it). */
    public List<LinkConfig> linksOf(String name) {
        return links.stream()
                .filter(l -> !(l instanceof LinkConfig.Serial s) || s.between().contains(name))
                .toList();
    }

    /** Sum of the nodes' votes; quorum is more than half of it (with the arbitrator's, {@link #votesWithArbitrator}). */
    public int totalVotes() {
        return nodes.stream().mapToInt(NodeConfig::votes).sum();
    }

    /** The nodes' votes plus the arbitrator's, when there is one. */
    public int votesWithArbitrator() {
        return totalVotes() + arbitrator.map(a -> a.votes(totalVotes())).orElse(0);
    }
}
