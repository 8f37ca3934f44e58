package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalogue: every directory with a playbook.yaml is a wizard, with no console code. */
class RecipesTest {
    @TempDir Path dir;

    @Test
    void everyRecipeDirectoryIsListedAndOneThatCannotBeReadSaysWhy() throws Exception {
        var recipes = Recipes.scan(FormTest.recipes(), WizardHosts.local());
        assertThat(recipes).extracting(Recipe::id).containsExactly("broken", "every-type", "hello", "no-vars", "slow", "with-key",
                "with-plan-failing"); // notarecipe/ has no playbook
        var broken = recipes.get(0);
        assertThat(broken.playbook()).isEmpty();
        assertThat(broken.firstError()).startsWith("playbook.yaml:6:5: ").contains("flie");
        assertThat(recipes.get(2).title()).isEqualTo("hello page");
    }

    @Test
    void aRecipeAddedToTheDirectoryIsAWizardTheNextTimeTheCatalogueOpens() throws Exception {
        Files.createDirectories(dir.resolve("hello"));
        Files.copy(FormTest.recipes().resolve("hello/playbook.yaml"), dir.resolve("hello/playbook.yaml"));
        var settings = WizardSettings.defaults().withPlaybooks(dir);
        assertThat(new CatalogPage(settings).recipes()).extracting(Recipe::id).containsExactly("hello");
        Files.createDirectories(dir.resolve("again"));
        Files.copy(FormTest.recipes().resolve("hello/playbook.yaml"), dir.resolve("again/playbook.yaml"));
        assertThat(new CatalogPage(settings).recipes()).extracting(Recipe::id).containsExactly("again", "hello");
    }

    @Test
    void aClusterFileThatNamesNoHostIsSaidInsteadOfTheList() throws Exception {
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, "cluster: web\n");
        var hosts = WizardHosts.cluster(cluster, java.util.Optional.empty());
        var e = org.assertj.core.api.Assertions.catchThrowable(() -> Recipes.scan(FormTest.recipes(), hosts));
        assertThat(e).isInstanceOf(java.io.IOException.class).hasMessageContaining("the hosts cannot be read: ")
                .hasMessageContaining("the cluster file has no `nodes:`");
        assertThat(new CatalogPage(WizardSettings.defaults().withPlaybooks(FormTest.recipes()).withHosts(hosts)).recipes()).isEmpty();
    }

    @Test
    void theNewClusterRecipeOpensWithNoClusterFileYet() throws Exception {
        // the console of an operator who has no cluster yet: only `local` is known
        var recipes = Recipes.scan(ShippedRecipesTest.SHIPPED, WizardHosts.local());
        var newCluster = recipes.stream().filter(r -> r.id().equals(NewClusterPage.RECIPE)).findFirst().orElseThrow();
        assertThat(newCluster.errors()).isEmpty();
        assertThat(newCluster.playbook()).isPresent();
        // the others run on the cluster's nodes: with none, they say so
        assertThat(recipes.stream().filter(r -> r.id().equals("haproxy")).findFirst().orElseThrow().firstError())
                .contains("`all` names no host here");
    }

    @Test
    void aMissingDirectoryIsSaidNotThrown() throws Exception {
        var page = new CatalogPage(WizardSettings.defaults().withPlaybooks(dir.resolve("nope")));
        assertThat(page.recipes()).isEmpty();
    }
}
