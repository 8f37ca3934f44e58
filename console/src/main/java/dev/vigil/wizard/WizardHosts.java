package dev.vigil.wizard;

import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.ssh.Connections;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a recipe's hosts are, for the wizards: what the playbook reader checks a recipe's
 * {@code hosts:} against, how each host is reached, and what the saved command line must add to
 * reach the same hosts again ({@code --config FILE} once the engine takes the cluster file's nodes).
 *
 * <p>The console uses {@link #of} with its own cluster file (its nodes reached over SSH, as
 * {@code vigil playbook --config} does) and its {@code --inventory}, and {@link #local()} when it has neither.
 */
public interface WizardHosts {
    /** The hosts a recipe may name, read afresh (a node added to the cluster file is a host at once). */
    Inventory inventory() throws IOException;

    /**
     * The hosts of one run, opened together (SSH connections are opened in parallel) and closed
     * when the run is over.
     */
    Opened open(List<String> names) throws IOException;

    /** A run's hosts by name; closing ends their connections. */
    interface Opened extends AutoCloseable {
        Map<String, Host> hosts();

        @Override
        void close();
    }

    /** Options for {@code vigil playbook apply} that name these hosts; empty for {@code local}. */
    List<String> commandLineOptions();

    /**
     * The cluster file's nodes, over SSH as root on port 22 with the console user's keys and
     * {@code ~/.ssh/known_hosts} (a host key not there is refused: no accept-new from a wizard),
     * unless {@code inventory} says otherwise; and {@code local}.
     */
    static WizardHosts cluster(Path clusterFile, Optional<Path> inventory) {
        return of(Optional.of(clusterFile), inventory);
    }

    /**
     * The hosts of a cluster file's nodes and of an inventory ({@code vigil playbook}'s: names,
     * addresses, groups and SSH settings per host), merged as {@code vigil playbook --config F
     * --inventory F} merges them, read afresh for each recipe; {@code local} always. Neither: {@link #local()}.
     */
    static WizardHosts of(Optional<Path> clusterFile, Optional<Path> inventory) {
        if (clusterFile.isEmpty() && inventory.isEmpty()) return local();
        return new WizardHosts() {
            @Override
            public Inventory inventory() throws IOException {
                var r = Inventory.read(inventory, clusterFile);
                if (r.inventory().isEmpty()) {
                    throw new IOException("the hosts cannot be read: " + r.errors().get(0));
                }
                return r.inventory().get();
            }

            @Override
            public Opened open(List<String> names) throws IOException {
                var c = Connections.open(inventory(), names, false);
                return new Opened() {
                    @Override
                    public Map<String, Host> hosts() {
                        return c.hosts();
                    }

                    @Override
                    public void close() {
                        c.close();
                    }
                };
            }

            @Override
            public List<String> commandLineOptions() {
                var out = new java.util.ArrayList<String>();
                clusterFile.ifPresent(f -> out.addAll(List.of("--config", f.toAbsolutePath().toString())));
                inventory.ifPresent(i -> out.addAll(List.of("--inventory", i.toAbsolutePath().toString())));
                return out;
            }
        };
    }

    /** This machine only, without SSH. */
    static WizardHosts local() {
        return new WizardHosts() {
            @Override
            public Inventory inventory() {
                return Inventory.localOnly();
            }

            @Override
            public Opened open(List<String> names) {
                var m = new LinkedHashMap<String, Host>();
                for (String n : names) m.put(n, new LocalHost(n));
                return new Opened() {
                    @Override
                    public Map<String, Host> hosts() {
                        return m;
                    }

                    @Override
                    public void close() {
                        // nothing to close on this machine
                    }
                };
            }

            @Override
            public List<String> commandLineOptions() {
                return List.of();
            }
        };
    }
}
