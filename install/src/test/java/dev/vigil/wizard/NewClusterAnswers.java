package dev.vigil.wizard;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * For the bed tests (another package): the new-cluster wizard's answers made into its files,
 * exactly as the page does when its review is confirmed, and the values it then gives the
 * recipe's own wizard.
 */
public final class NewClusterAnswers {
    private NewClusterAnswers() {}

    /** The wizard's files for {@code answers} (field name → answer), in {@code saved}/cluster-NAME; the recipe's values. */
    public static Map<String, String> write(Map<String, String> answers, Path saved, Path recipe) throws IOException {
        var r = Recipes.read(NewClusterPage.RECIPE, recipe, dev.vigil.playbook.Inventory.localOnly());
        var page = new NewClusterPage(r, new WizardSettings(recipe.getParent().getParent(), saved, "/var/lib/vigil/playbook",
                WizardHosts.local()));
        var q = page.questions();
        // twice: the node count and the choices call for fields the second pass fills
        for (int pass = 0; pass < 2; pass++) {
            answers.forEach(q.form()::set);
            q.relayout();
        }
        List<String> problems = q.check(saved.resolve("cluster.yaml"));
        if (!problems.isEmpty()) throw new IllegalArgumentException("the answers are refused: " + problems);
        var wizard = page.recipeWizard(page.write());
        return wizard.form().values();
    }
}
