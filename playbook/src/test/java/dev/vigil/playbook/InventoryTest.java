package dev.vigil.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventories, groups, {@code all}, cluster-file hosts and {@code --limit}; every error at its line:column. */
class InventoryTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static final String CLUSTER = """
            cluster: demo
            nodes:
              - {name: ha1, address: 10.0.0.1}
              - {name: ha2, address: 10.0.0.2}
            """;

    private static List<String> lines(List<PlaybookError> errors) {
        return errors.stream().map(e -> e.file().getFileName() + ":" + e.line() + ":" + e.column() + ": " + e.message()).toList();
    }

    @Test
    void clusterFileNodesAreSshHostsAsRootOnPort22() throws IOException {
        var r = Inventory.read(Optional.empty(), Optional.of(write("cluster.yaml", CLUSTER)));
        assertThat(r.errors()).isEmpty();
        var inv = r.inventory().orElseThrow();
        var ha1 = inv.host("ha1").orElseThrow();
        assertThat(ha1.local()).isFalse();
        assertThat(ha1.address()).isEqualTo("10.0.0.1");
        assertThat(ha1.ssh()).isEqualTo(Inventory.SshSettings.NONE);
        assertThat(inv.expand("all")).containsExactly("ha1", "ha2");
        assertThat(inv.expand("local")).containsExactly("local");
    }

    @Test
    void theInventoryWinsOverTheClusterFileAndSettingsLayerDefaultsGroupsHost() throws IOException {
        Path inv = write("inv.yaml", """
                ssh: {user: admin, port: 2200, known_hosts: kh}
                hosts:
                  ha1:
                  ha2: {address: 192.168.1.2, ssh: {port: 22}}
                  web3: {address: 10.0.0.3}
                  here: {connection: local}
                groups:
                  web: {hosts: [ha2, web3], ssh: {user: deploy, become: sudo, key: ~/keys/web}}
                  db: {hosts: [ha1]}
                """);
        var r = Inventory.read(Optional.of(inv), Optional.of(write("cluster.yaml", CLUSTER)));
        assertThat(lines(r.errors())).isEmpty();
        var i = r.inventory().orElseThrow();
        var ha1 = i.host("ha1").orElseThrow();
        assertThat(ha1.address()).as("from the cluster file").isEqualTo("10.0.0.1");
        assertThat(ha1.ssh().user()).contains("admin");
        assertThat(ha1.ssh().port()).contains(2200);
        assertThat(ha1.ssh().knownHosts()).contains(dir.resolve("kh").toString());
        var ha2 = i.host("ha2").orElseThrow();
        assertThat(ha2.address()).as("the inventory wins").isEqualTo("192.168.1.2");
        assertThat(ha2.ssh().port()).as("the host's own setting wins").contains(22);
        assertThat(ha2.ssh().user()).as("the group's over the defaults").contains("deploy");
        assertThat(ha2.ssh().become()).contains("sudo");
        assertThat(ha2.ssh().key()).contains(Path.of(System.getProperty("user.home"), "keys/web").toString());
        assertThat(i.host("web3").orElseThrow().ssh().user()).contains("deploy");
        assertThat(i.expand("web")).containsExactly("ha2", "web3");
        assertThat(i.expand("all")).containsExactly("ha1", "ha2", "web3", "here");
        assertThat(i.problem("web")).isEmpty();
    }

    @Test
    void inventoryErrorsAtTheirLineAndColumn() throws IOException {
        Path inv = write("inv.yaml", """
                hosts:
                  ha1: {address: 10.0.0.1, ssh: {port: 70000, become: su, usr: x}}
                  all: {address: 10.0.0.9}
                groups:
                  web: {hosts: [ha1, ha3], sh: {}}
                  ha1: {hosts: [ha1]}
                  db: {}
                """);
        assertThat(lines(Inventory.read(inv).errors())).containsExactly(
                "inv.yaml:2:40: `port` must be 1 to 65535, got '70000'",
                "inv.yaml:2:55: `become` must be sudo (the only method), got 'su'",
                "inv.yaml:2:59: unknown key `usr` in `ssh`; did you mean 'user'? (known: user, port, key, known_hosts, become)",
                "inv.yaml:3:3: host name `all` must be letters, digits, '_', '.', '-' (and not `all`)",
                "inv.yaml:5:22: group `web` names unknown host `ha3`; did you mean 'ha1'? (known hosts: local, ha1)",
                "inv.yaml:5:28: unknown key `sh` of group `web`; did you mean 'ssh'? (known: hosts, ssh)",
                "inv.yaml:6:3: `ha1` is a host already; a group needs a name of its own",
                "inv.yaml:7:7: group `db` needs `hosts:`, a list of host names");
    }

    @Test
    void clusterFileErrors() throws IOException {
        Path c = write("cluster.yaml", """
                nodes:
                  - {name: ha1}
                  - {name: local, address: 10.0.0.2}
                """);
        assertThat(lines(Inventory.read(Optional.empty(), Optional.of(c)).errors())).containsExactly(
                "cluster.yaml:2:5: a node needs a `name` and an `address`",
                "cluster.yaml:3:12: node name `local` cannot name a host (letters, digits, '_', '.', '-'; not `local` or `all`)");
        assertThat(lines(Inventory.read(Optional.empty(), Optional.of(write("c2.yaml", "cluster: x\n"))).errors()))
                .containsExactly("c2.yaml:1:1: the cluster file has no `nodes:`, so it names no host");
    }

    @Test
    void playbookHostsMayNameGroupsAndAllAndUnknownNamesGetADidYouMean() throws IOException {
        Path invFile = write("inv.yaml", """
                hosts:
                  web3: {address: 10.0.0.3}
                groups:
                  web: {hosts: [ha2, web3]}
                """);
        var inv = Inventory.read(Optional.of(invFile), Optional.of(write("cluster.yaml", CLUSTER))).inventory().orElseThrow();
        var good = PlaybookReader.read(write("pb.yaml", "hosts: [ha1, web]\nsteps: []\n"), inv);
        assertThat(good.errors()).isEmpty();
        assertThat(good.playbook().orElseThrow().hosts()).containsExactly("ha1", "ha2", "web3");
        var all = PlaybookReader.read(write("pb.yaml", "hosts: all\nsteps: []\n"), inv);
        assertThat(all.playbook().orElseThrow().hosts()).containsExactly("ha1", "ha2", "web3");
        var twice = PlaybookReader.read(write("pb.yaml", "hosts: [web, ha2]\nsteps: []\n"), inv);
        assertThat(twice.playbook().orElseThrow().hosts()).as("a host reached through a group runs once").containsExactly("ha2", "web3");

        var bad = PlaybookReader.read(write("pb.yaml", "hosts: [ha1, wbe, al]\nsteps: []\n"), inv);
        assertThat(lines(bad.errors())).containsExactly(
                "pb.yaml:1:14: unknown host or group `wbe`; did you mean 'web'? (known: local, ha1, ha2, web3, web, all; others come from --inventory or --config)",
                "pb.yaml:1:19: unknown host or group `al`; did you mean 'all'? (known: local, ha1, ha2, web3, web, all; others come from --inventory or --config)");
        var noAll = PlaybookReader.read(write("pb.yaml", "hosts: all\nsteps: []\n"), Inventory.localOnly());
        assertThat(lines(noAll.errors())).containsExactly(
                "pb.yaml:1:8: `all` names no host here: give an inventory (--inventory) or a cluster file (--config)");
    }

    @Test
    void limitNarrowsThePlayByHostOrGroup() throws IOException {
        Path invFile = write("inv.yaml", """
                hosts:
                  web3: {address: 10.0.0.3}
                groups:
                  web: {hosts: [ha2, web3]}
                """);
        var inv = Inventory.read(Optional.of(invFile), Optional.of(write("cluster.yaml", CLUSTER))).inventory().orElseThrow();
        var play = List.of("ha1", "ha2", "web3");
        assertThat(inv.limit(play, "ha1")).containsExactly("ha1");
        assertThat(inv.limit(play, "web3, ha1")).as("in the play's order").containsExactly("ha1", "web3");
        assertThat(inv.limit(play, "web")).containsExactly("ha2", "web3");
        assertThat(inv.limit(List.of("ha1", "web3"), "web")).as("a group is intersected with the play").containsExactly("web3");
        assertThatThrownBy(() -> inv.limit(play, "ha11")).hasMessage(
                "--limit: unknown host or group `ha11`; did you mean 'ha1'? (the play runs on ha1, ha2, web3)");
        assertThatThrownBy(() -> inv.limit(List.of("ha1"), "ha2")).hasMessage(
                "--limit: host `ha2` is not in the play (it runs on ha1)");
        assertThatThrownBy(() -> inv.limit(List.of("ha1"), "web")).hasMessage(
                "--limit web leaves no host of the play (it runs on ha1)");
    }
}
