package dev.vigil.wizard;

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
 */
public record WizardSettings(Path playbooks, Path saved, String stateDir, WizardHosts hosts) {
    public static final Path DEFAULT_SAVED = Path.of("/var/lib/vigil/wizards");

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
