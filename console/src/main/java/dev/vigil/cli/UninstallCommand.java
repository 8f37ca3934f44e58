package dev.vigil.cli;

import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.ssh.Connections;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil uninstall}: the package removed from the cluster file's nodes over SSH. The
 * package's prerm stops the console and the agent (which stops its resources first); the cluster
 * file, its key and the state stay, as {@code apt-get remove} keeps them, unless {@code --purge}.
 */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
        description = {"Stops and removes Vigil on the cluster file's nodes over SSH; the cluster file, "
                + "its key and the state stay unless --purge."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:removed (or not installed) on every node", "1:a node failed or was unreachable",
                "2:bad cluster file, inventory or usage"})
final class UninstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterNodesOptions nodesOptions;

    @Option(names = "--purge", description = "also delete the cluster file, its key, the console's keys and /var/lib/vigil")
    boolean purge;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path config = nodesOptions.config;
        // The cluster file's nodes only; the inventory adds SSH settings (and maybe other hosts).
        var clusterOnly = Inventory.read(Optional.empty(), Optional.of(config));
        var inv = Inventory.read(Optional.ofNullable(nodesOptions.inventory), Optional.of(config));
        if (clusterOnly.inventory().isEmpty() || inv.inventory().isEmpty()) {
            clusterOnly.errors().forEach(err::println);
            inv.errors().forEach(err::println);
            return 2;
        }
        var nodes = clusterOnly.inventory().get().hosts().stream().filter(h -> !h.local()).map(Inventory.HostEntry::name).toList();
        var verb = purge ? "purge" : "remove";
        int failed = 0;
        try (var connections = Connections.open(inv.inventory().get(), nodes, nodesOptions.acceptNew)) {
            for (var n : nodes) {
                var host = connections.hosts().get(n);
                if (host == null) {
                    out.println(n + ": FAILED: unreachable: " + connections.unreachable().get(n));
                    failed++;
                    continue;
                }
                try {
                    // dpkg-query also lists a removed package whose conffiles remain: purge finds it there.
                    var r = host.shell("if dpkg-query -W -f '${Status}' vigil 2>/dev/null | grep -Eq ' installed$"
                            + (purge ? "| config-files$" : "") + "'; then DEBIAN_FRONTEND=noninteractive apt-get " + verb
                            + " -y -q -o DPkg::Lock::Timeout=60 vigil >/dev/null && echo done; else echo absent; fi",
                            Duration.ofMinutes(5));
                    if (!r.ok()) {
                        out.println(n + ": FAILED: apt-get " + verb + " vigil: " + r.output().strip());
                        failed++;
                    } else {
                        out.println(n + ": " + (r.output().strip().equals("absent") ? "not installed"
                                : purge ? "purged (cluster file, key and state deleted)" : "removed (cluster file and key kept)"));
                    }
                } catch (java.io.IOException e) {
                    out.println(n + ": FAILED: " + e.getMessage());
                    failed++;
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }
}
