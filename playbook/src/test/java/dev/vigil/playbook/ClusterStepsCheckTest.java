package dev.vigil.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} of the authkey, cluster and serial_test steps' literal parameters, each at its line:column. */
class ClusterStepsCheckTest {
    @TempDir
    Path dir;

    private List<String> errors(String steps) throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, "hosts: [local]\nvars:\n  node: {type: node, default: ha2}\nsteps:\n" + steps);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        return r.errors().stream().map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }

    @Test
    void goodStepsOfEachTypeHaveNoErrors() throws IOException {
        Files.writeString(dir.resolve("frag.yaml"), "ping: [10.0.0.1]\nresources: [{id: \"{{node}}-ip\", agent: \"ocf:vigil:IPaddr\"}]\n");
        assertThat(errors("""
                  - authkey: {}
                  - authkey: {path: /etc/vigil/authkey, source: keys/authkey}
                  - cluster: {content: "policy: {auto_failback: false}", apply: never}
                  - cluster: {file: /etc/vigil/cluster.yaml, template: frag.yaml, apply: always, vigil: /opt/vigil/bin/vigil}
                  - serial_test: {peer: "{{node}}", device: /dev/ttyS0, peer_device: /dev/ttyS1, baud: 19200, min: degraded, duration: 2s}
                """)).isEmpty();
    }

    @Test
    void badLiteralsAreReportedWhereTheyAre() throws IOException {
        assertThat(errors("""
                  - authkey: {path: etc/vigil/authkey, secret: x}
                  - cluster: {file: cluster.yaml, content: "nodes: []", apply: sometimes}
                  - cluster: {apply: never}
                  - serial_test: {device: ttyS0, baud: fast, min: good, duration: soon}
                """)).containsExactly(
                "5:21: `path` must be an absolute path, got 'etc/vigil/authkey'",
                "5:40: unknown parameter `secret` of `authkey` (known: path, source)",
                "6:21: `file` must be an absolute path, got 'cluster.yaml'",
                "6:44: the fragment, line 1, column 1: `nodes` cannot be merged by a cluster step; it merges resources, groups, constraints, fencing, policy, ping, links (write the rest of the cluster file with a file step)",
                "6:64: `apply` must be auto, always or never, got 'sometimes'",
                "7:5: `cluster` needs exactly one of `content` and `template`",
                "8:5: `serial_test` needs `peer` (the host at the cable's other end, a host of the same run)",
                "8:27: `device` must be an absolute path, got 'ttyS0'",
                "8:40: `baud` must be a positive integer such as 19200, got 'fast'",
                "8:51: `min` must be ok or degraded, got 'good'",
                "8:67: `duration` must be a duration such as 500ms, 30s, 5m or 2h, got 'soon'");
    }
}
