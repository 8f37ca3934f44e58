package dev.vigil.wizard;

import dev.vigil.tui.Page;

/**
 * Which page a recipe of the catalogue opens: its generated wizard, or, for the two recipes that
 * ask more than their variables, their own page in front of it (the serial cable tested through
 * the agents before the link is added; the new cluster's nodes, links and quorum made into its
 * cluster file and inventory first).
 */
final class WizardPages {
    private WizardPages() {}

    static Page open(Recipe r, WizardSettings settings) {
        return switch (r.id()) {
            case SerialTestPage.RECIPE -> new SerialTestPage(r, settings);
            case NewClusterPage.RECIPE -> new NewClusterPage(r, settings);
            default -> new WizardPage(r, settings);
        };
    }
}
