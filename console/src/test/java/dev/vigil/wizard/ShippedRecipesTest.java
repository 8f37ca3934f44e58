package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.input.KeyType;
import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.playbook.Vars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipes the distribution ships (the repository's {@code playbooks/}), as the console's
 * wizards see them with a cluster file of two nodes: every recipe is a wizard, every declared
 * variable a field, the recipe's own example answers pass the form, and what the wizard saves
 * gives the engine the same values.
 */
class ShippedRecipesTest {
    static final Path SHIPPED = Path.of("..", "playbooks");

    @TempDir Path dir;

    private WizardHosts cluster() throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                cluster: web
                nodes:
                  - {name: ha1, address: 10.0.0.1}
                  - {name: ha2, address: 10.0.0.2}
                """);
        return WizardHosts.cluster(file, Optional.empty());
    }

    private static List<String> recipeDirectories() throws Exception {
        try (Stream<Path> s = Files.list(SHIPPED)) {
            return s.filter(d -> Files.isRegularFile(d.resolve("playbook.yaml"))).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyShippedRecipeIsAWizardWhoseExampleAnswersPassAndAreSavedAsTheEngineReadsThem() throws Exception {
        var hosts = cluster();
        var recipes = Recipes.scan(SHIPPED, hosts);
        assertThat(recipes).extracting(Recipe::id).isEqualTo(recipeDirectories())
                .contains("apache-shared-disk", "apache-nfs", "nfs-server", "haproxy", "ibm-mq", "websphere", "db2", "loadleveler");
        for (var r : recipes) {
            assertThat(r.errors()).as("%s reads without errors", r.id()).isEmpty();
            var pb = r.playbook().orElseThrow();
            var form = new Form(pb);
            assertThat(form.fields()).as("%s: one field per variable", r.id()).hasSize(pb.vars().size());
            assertThat(r.examples()).as("%s has example answers", r.id()).isNotEmpty();
            r.examples().forEach((name, value) -> {
                assertThat(pb.vars()).as("%s's example names a declared variable", r.id()).containsKey(name);
                form.set(name, value);
            });
            assertThat(form.checkAll()).as("%s: the example answers pass the form: %s", r.id(),
                    form.fields().stream().map(f -> f.name() + " " + form.problem(f.name()).orElse("")).toList()).isTrue();

            var saved = SavedRun.save(dir.resolve("saved"), r, form, "20261205T120000Z-0001",
                    new Operator("o", "SHA256:x", "", Role.ADMIN), Instant.EPOCH, hosts.commandLineOptions());
            assertThat(saved.commandLine()).endsWith(" --config " + dir.resolve("cluster.yaml").toAbsolutePath());
            if (saved.secrets().isEmpty()) {
                var resolved = Vars.resolve(pb, Optional.of(saved.vars()));
                assertThat(resolved.errors()).as("%s's saved vars", r.id()).isEmpty();
                assertThat(resolved.values()).isEqualTo(form.values());
            }
        }
    }

    /** Each shipped recipe's form at 80x24: every field can be reached, and is on screen when it is the current one. */
    @Test
    void everyShippedRecipesFormIsWalkedAt80x24() throws Exception {
        var settings = new WizardSettings(SHIPPED, dir.resolve("saved"), dir.resolve("state").toString(), cluster());
        var ids = recipeDirectories();
        try (var ui = new WizardSessionHarness(dir, Role.VIEWER, 80, 24, settings)) {
            ui.key('w');
            ui.awaitScreen("Recipes in ");
            for (int i = 0; i < ids.size(); i++) {
                var recipe = Recipes.scan(SHIPPED, settings.hosts()).get(i);
                ui.key(KeyType.Enter);
                // new-cluster asks its own questions first (the cluster file and inventory it makes are the recipe's answers)
                boolean own = recipe.id().equals(NewClusterPage.RECIPE);
                ui.awaitScreen(recipe.id() + ": " + (own ? "the cluster (1/6)" : "answers (1/5)"));
                var names = own ? new NewClusterForm().form().fields().stream().map(Field::name).toList()
                        : List.copyOf(recipe.playbook().orElseThrow().vars().keySet());
                for (var name : names) {
                    await().atMost(WizardSessionHarness.PATIENCE).pollInterval(Duration.ofMillis(5)).untilAsserted(() ->
                            assertThat(ui.screen()).as("%s: %s on screen", recipe.id(), name).containsPattern("> " + name + " "));
                    ui.key(KeyType.ArrowDown);
                }
                ui.key(KeyType.Escape);
                ui.awaitScreen("Recipes in ");
                ui.key(KeyType.ArrowDown);
            }
        }
    }
}
