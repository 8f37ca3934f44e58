package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ConfigLoader;
import dev.vigil.playbook.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new-cluster wizard's form: its fields following its answers (nodes repeated by their count,
 * a serial device per node the cable joins), each answer's check, the checks across answers, and
 * the agent's own loader on the file it makes (the two-node rule refused with the loader's reason).
 */
class NewClusterFormTest {
    @TempDir
    Path dir;

    /** Two nodes answered right, nothing chosen for the two-node question yet. */
    private static NewClusterForm twoNodes() {
        var f = new NewClusterForm();
        var form = f.form();
        form.set("cluster", "web");
        form.set("node1_name", "ha1");
        form.set("node1_address", "10.0.0.1");
        form.set("node2_name", "ha2");
        form.set("node2_address", "10.0.0.2");
        form.set("node2_ssh_port", "2222");
        f.relayout();
        return f;
    }

    private static java.util.List<String> names(NewClusterForm f) {
        return f.form().fields().stream().map(Field::name).toList();
    }

    @Test
    void twoNodesWithoutFencingAPingTargetOrUnsafeAreRefusedWithTheLoadersReason() {
        var f = twoNodes();
        var problems = f.check(dir.resolve("cluster.yaml"));
        assertThat(problems).singleElement().asString()
                .startsWith("cluster.yaml:")
                .contains("this cluster has 2 votes").contains("configure fencing").contains("ping").contains("two_node_unsafe");
        // any one of the three satisfies the same rule
        f.form().set("ping_target", "10.0.0.254");
        assertThat(f.check(dir.resolve("cluster.yaml"))).isEmpty();
        f.form().set("ping_target", "");
        f.form().set("two_node_unsafe", "true");
        assertThat(f.check(dir.resolve("cluster.yaml"))).isEmpty();
        f.form().set("two_node_unsafe", "false");
        f.form().set("fencing", "true");
        f.relayout();
        assertThat(names(f)).contains("fence_agent", "fence_params");
        assertThat(f.check(dir.resolve("cluster.yaml"))).singleElement().asString().contains("not right");
        f.form().set("fence_agent", "fence_ipmilan");
        f.form().set("fence_params", "ip=10.0.0.201,username=admin,password=s3cret");
        assertThat(f.check(dir.resolve("cluster.yaml"))).isEmpty();
        assertThat(f.clusterFile("/etc/vigil/authkey", "test"))
                .contains("  - {id: fence1, agent: fence_ipmilan, params: {ip: \"10.0.0.201\", username: \"admin\", password: \"s3cret\"}}");
    }

    @Test
    void aBadAddressOrNameIsRefusedInTheFieldWithTheEnginesReason() {
        var f = twoNodes();
        f.form().set("node1_address", "10.0.0.300");
        f.form().set("cluster", "my cluster");
        assertThat(f.check(dir.resolve("cluster.yaml"))).singleElement().asString().contains("2 answers are not right");
        assertThat(f.form().problem("node1_address")).get().asString().contains("must be an IPv4 or IPv6 address, got '10.0.0.300'");
        assertThat(f.form().problem("cluster")).get().asString().contains("must match the pattern");
        assertThat(f.form().currentField().name()).as("the first wrong field is made current").isEqualTo("cluster");
        // the same name or address twice, no link at all: said across the fields
        f.form().set("cluster", "web");
        f.form().set("node1_address", "10.0.0.2");
        f.form().set("node2_name", "ha1");
        f.form().set("unicast", "false");
        f.relayout();
        assertThat(f.check(dir.resolve("cluster.yaml"))).containsExactly("node 2: the name ha1 is given twice",
                "node 2: the address 10.0.0.2 is given twice", "choose at least one heartbeat link (two on different networks ride out a switch failure)");
    }

    @Test
    void theNodeListFollowsItsCountAndANodeRemovedAndAddedBackKeepsItsAnswers() {
        var f = twoNodes();
        assertThat(names(f)).contains("node2_ssh_port", "two_node_unsafe").doesNotContain("node3_name", "no_quorum");
        f.form().set("node_count", "3");
        f.relayout();
        assertThat(names(f)).containsSubsequence("node2_ssh_port", "node3_name", "node3_address", "node3_ssh_user", "node3_ssh_port")
                .contains("no_quorum").doesNotContain("two_node_unsafe");
        assertThat(f.form().answer("node3_ssh_user")).isEqualTo("root");
        f.form().set("node3_name", "ha3");
        f.form().set("node3_address", "10.0.0.3");
        assertThat(f.check(dir.resolve("cluster.yaml"))).isEmpty(); // three nodes: a majority decides, no two-node rule
        f.form().set("node_count", "2");
        f.relayout();
        assertThat(names(f)).doesNotContain("node3_name");
        f.form().set("node_count", "3");
        f.relayout();
        assertThat(f.form().answer("node3_name")).isEqualTo("ha3");
        assertThat(f.nodeNames()).containsExactly("ha1", "ha2", "ha3");
        f.form().set("node_count", "17");
        assertThat(f.check(dir.resolve("cluster.yaml"))).singleElement().asString().contains("not right");
        assertThat(f.form().problem("node_count")).get().asString().contains("must be at most 16");
    }

    @Test
    void aSerialLinkAsksForTheDeviceOnEachNodeTheCableJoins() throws Exception {
        var f = twoNodes();
        f.form().set("two_node_unsafe", "true");
        f.form().set("serial", "true");
        f.relayout();
        assertThat(names(f)).contains("serial_between", "serial_baud").noneMatch(n -> n.startsWith("serial_device_"));
        f.form().set("serial_between", "ha1 ha2");
        f.relayout();
        assertThat(names(f)).containsSubsequence("serial_baud", "serial_device_ha1", "serial_device_ha2");
        f.form().set("serial_device_ha2", "/dev/ttyUSB0");
        f.form().set("timing", "serial");
        assertThat(f.check(dir.resolve("cluster.yaml"))).isEmpty();
        String file = f.clusterFile("/etc/vigil/authkey", "written by a test");
        assertThat(file).contains("timing: {preset: serial}")
                .contains("  - {type: udp, mode: unicast, port: 694}")
                .contains("  - {type: serial, between: [ha1, ha2], device: {ha1: /dev/ttyS0, ha2: /dev/ttyUSB0}, baud: 19200}")
                .contains("policy: {two_node_unsafe: true}");
        Files.writeString(dir.resolve("authkey"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(dir.resolve("authkey"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        var loaded = ConfigLoader.load(f.clusterFile("authkey", "test"), dir.resolve("cluster.yaml"));
        assertThat(loaded.nodeNames()).containsExactly("ha1", "ha2");
        assertThat(loaded.links()).hasSize(2);
        // a cable joins two nodes
        f.form().set("serial_between", "ha1");
        f.relayout();
        assertThat(f.check(dir.resolve("cluster.yaml"))).containsExactly("serial_between: a cable joins exactly two nodes, got 1");
    }

    @Test
    void theInventoryReachesEachNodeWithItsSshAccessAndTheTimingSaysItsSeconds() throws Exception {
        var f = twoNodes();
        Files.writeString(dir.resolve("inventory.yaml"), f.inventory());
        Files.writeString(dir.resolve("cluster.yaml"), f.clusterFile("/etc/vigil/authkey", "test") + "policy: {two_node_unsafe: true}\n");
        var r = Inventory.read(Optional.of(dir.resolve("inventory.yaml")), Optional.empty());
        assertThat(r.errors()).isEmpty();
        assertThat(f.inventory()).contains("  ha2: {address: 10.0.0.2, ssh: {user: root, port: 2222}}");
        var timing = f.form().fields().stream().filter(x -> x.name().equals("timing")).findFirst().orElseThrow();
        assertThat(timing.decl().description()).contains("lan: beat 80ms, warn 500ms, dead after 1s, first start 10s")
                .contains("wan: beat 500ms, warn 3s, dead after 6s");
    }
}
