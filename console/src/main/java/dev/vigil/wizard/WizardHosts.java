package dev.vigil.wizard;

import dev.vigil.playbook.Host;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.LocalHost;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a recipe's hosts are, for the wizards: what the playbook reader checks a recipe's
 * {@code hosts:} against, how each host is reached, and what the saved command line must add to
 * reach the same hosts again ({@code --config FILE} once the engine takes the cluster file's nodes).
 *
 * <p>This release of the playbook module runs on {@code local} only, so {@link #local()} is what
 * the console uses; a recipe naming other hosts is listed with the reader's reason.
 */
public interface WizardHosts {
    Inventory inventory();

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
