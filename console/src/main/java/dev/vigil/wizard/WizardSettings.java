package dev.vigil.wizard;

import dev.vigil.drillroom.DrillOffer;
import dev.vigil.playbook.Journal;
import java.nio.file.Path;

/**
 * Where the wizards find their recipes and put what they ran.
 *
 * @param playbooks the recipes: every directory under it holding a {@code playbook.yaml} is a wizard
 * @param saved     where each apply's answers are saved ({@code RECIPE-RUNID/vars.yaml}), to repeat it
 *                  with {@code vigil playbook apply}
 * @param stateDir  the engine's journal directory on each host ({@code vigil playbook undo RUN} reads it)
 * @param hosts     how the recipes' hosts are reached
 * @param drills    after an apply, a drill of what it set up (the console's drill room); {@link DrillOffer#NONE} without one
 */
public record WizardSettings(Path playbooks, Path saved, String stateDir, WizardHosts hosts, DrillOffer drills) {
    public static final Path DEFAULT_SAVED = Path.of("/var/lib/vigil/wizards");

    public WizardSettings(Path playbooks, Path saved, String stateDir, WizardHosts hosts) {
        this(playbooks, saved, stateDir, hosts, DrillOffer.NONE);
    }

    public WizardSettings withDrills(DrillOffer d) {
        return new WizardSettings(playbooks, saved, stateDir, hosts, d);
    }

    /** The distribution's {@code playbooks/} (beside {@code lib/} under {@code vigil.home}), hosts: {@code local} only. */
    public static WizardSettings defaults() {
        return new WizardSettings(Path.of(System.getProperty("vigil.home", "/usr/lib/vigil")).resolve("playbooks"),
                DEFAULT_SAVED, Journal.DEFAULT_DIR, WizardHosts.local());
    }

    public WizardSettings withPlaybooks(Path p) {
        return new WizardSettings(p, saved, stateDir, hosts);
    }

    public WizardSettings withSaved(Path p) {
        return new WizardSettings(playbooks, p, stateDir, hosts);
    }

    public WizardSettings withHosts(WizardHosts h) {
        return new WizardSettings(playbooks, saved, stateDir, h);
    }
}
