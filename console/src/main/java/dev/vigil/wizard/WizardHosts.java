package dev.vigil.wizard;

import dev.vigil.playbook.Host;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.LocalHost;
import java.io.IOException;
import java.util.List;

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

    Host open(String name) throws IOException;

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
            public Host open(String name) {
                return new LocalHost(name);
            }

            @Override
            public List<String> commandLineOptions() {
                return List.of();
            }
        };
    }
}
