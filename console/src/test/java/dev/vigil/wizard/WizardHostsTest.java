package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vigil.playbook.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wizards' hosts from the console's cluster file, its {@code --inventory}, both, or neither. */
class WizardHostsTest {
    @TempDir Path dir;

    private Path cluster() throws IOException {
        return Files.writeString(dir.resolve("cluster.yaml"), """
                cluster: web
                nodes:
                  - {name: ha1, address: 10.0.0.41}
                  - {name: ha2, address: 10.0.0.42}
                """);
    }

    /** With {@code ha2}, a cluster node given only an SSH port (its address from the cluster file), or without. */
    private Path inventory(boolean withNode) throws IOException {
        return Files.writeString(dir.resolve("inventory.yaml"), "hosts:\n" + (withNode ? "  ha2: {ssh: {port: 2202}}\n" : "") + """
                  web1: {address: 10.0.0.9, ssh: {user: deploy, port: 2222, key: /keys/id, known_hosts: /keys/known}}
                groups:
                  web: {hosts: [web1]}
                """);
    }

    @Test
    void anInventoryAddsHostsAndSshSettingsToTheClusterFilesNodes() throws Exception {
        var hosts = WizardHosts.of(Optional.of(cluster()), Optional.of(inventory(true)));
        Inventory inv = hosts.inventory();
        assertThat(inv.hosts()).extracting(Inventory.HostEntry::name).contains("local", "ha1", "ha2", "web1");
        assertThat(inv.host("web1").orElseThrow().address()).isEqualTo("10.0.0.9");
        assertThat(inv.host("web1").orElseThrow().ssh().port()).contains(2222);
        assertThat(inv.host("ha2").orElseThrow().address()).isEqualTo("10.0.0.42");
        assertThat(inv.host("ha2").orElseThrow().ssh().port()).contains(2202);
        assertThat(inv.expand("web")).containsExactly("web1");
        // the saved command line names both, as vigil playbook takes them
        assertThat(hosts.commandLineOptions()).containsExactly("--config", dir.resolve("cluster.yaml").toString(),
                "--inventory", dir.resolve("inventory.yaml").toString());
        // a recipe naming an inventory host or group is read against these hosts
        var recipe = Files.createDirectories(dir.resolve("recipes/on-web"));
        Files.writeString(recipe.resolve("playbook.yaml"), "name: on web\nhosts: [web]\nsteps: []\n");
        assertThat(Recipes.scan(dir.resolve("recipes"), hosts)).singleElement().satisfies(r -> assertThat(r.errors()).isEmpty());
    }

    @Test
    void anInventoryAloneOrNeither() throws Exception {
        var alone = WizardHosts.of(Optional.empty(), Optional.of(inventory(false)));
        assertThat(alone.inventory().hosts()).extracting(Inventory.HostEntry::name).contains("local", "web1").doesNotContain("ha1");
        assertThat(alone.commandLineOptions()).containsExactly("--inventory", dir.resolve("inventory.yaml").toString());
        var neither = WizardHosts.of(Optional.empty(), Optional.empty());
        assertThat(neither.inventory().hosts()).extracting(Inventory.HostEntry::name).containsExactly("local");
        assertThat(neither.commandLineOptions()).isEmpty();
    }

    @Test
    void aBrokenInventoryIsSaidWithWhereNotThrownAtTheCatalogue() throws Exception {
        var bad = Files.writeString(dir.resolve("bad.yaml"), "hosts:\n  web1: {adress: 10.0.0.9}\n");
        var hosts = WizardHosts.of(Optional.of(cluster()), Optional.of(bad));
        assertThat(catchThrowable(hosts::inventory)).isInstanceOf(IOException.class)
                .hasMessageContaining("the hosts cannot be read: ").hasMessageContaining("bad.yaml:2:");
        assertThat(new CatalogPage(WizardSettings.defaults().withPlaybooks(FormTest.recipes()).withHosts(hosts)).recipes()).isEmpty();
        assertThat(List.of(hosts.commandLineOptions().get(0))).containsExactly("--config");
    }
}
