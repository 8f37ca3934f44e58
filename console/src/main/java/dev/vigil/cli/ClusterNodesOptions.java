package dev.vigil.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the verbs that reach every node of a cluster file over SSH from the operator's
 * machine ({@code vigil install}, {@code vigil uninstall}): the playbook engine's hosts, as
 * {@code vigil playbook} takes them.
 */
final class ClusterNodesOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file whose nodes to act on")
    Path config;

    @Option(names = "--inventory", paramLabel = "FILE", description = "SSH settings of the nodes (user, port, key, known_hosts)")
    Path inventory;

    @Option(names = "--accept-new", description = "trust the host key of a node seen for the first time")
    boolean acceptNew;
}
