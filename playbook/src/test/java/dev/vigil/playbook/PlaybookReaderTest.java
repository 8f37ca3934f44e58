package dev.vigil.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil playbook check}: one test per kind of error, each at its line:column. */
class PlaybookReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private List<String> errors(String yaml) throws IOException {
        return errors(yaml, Inventory.localOnly());
    }

    private List<String> errors(String yaml, Inventory inv) throws IOException {
        Path p = write("pb.yaml", yaml);
        var r = PlaybookReader.read(p, inv);
        assertThat(r.playbook().isPresent()).isEqualTo(r.errors().isEmpty());
        return r.errors().stream().map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }

    static final String GOOD = """
            name: web page
            hosts: [local]
            vars:
              docroot: {type: path, default: /srv/www, description: where the page goes}
              who: {type: string, default: world}
            steps:
              - name: the page
                file: {path: "{{docroot}}/index.html", content: "hello {{who}} from {{host}}\\n", mode: "0644"}
                notify: reload
            handlers:
              - name: reload
                command: {cmd: "true"}
            """;

    @Test
    void aGoodPlaybookReadsWithoutErrors() throws IOException {
        var r = PlaybookReader.read(write("pb.yaml", GOOD), Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        var pb = r.playbook().orElseThrow();
        assertThat(pb.name()).isEqualTo("web page");
        assertThat(pb.hosts()).containsExactly("local");
        assertThat(pb.vars()).containsOnlyKeys("docroot", "who");
        assertThat(pb.vars().get("docroot").type()).isEqualTo(VarType.PATH);
        assertThat(pb.vars().get("docroot").description()).isEqualTo("where the page goes");
        assertThat(pb.steps()).singleElement().satisfies(s -> {
            assertThat(s.type()).isEqualTo("file");
            assertThat(s.notifies()).containsExactly("reload");
        });
        assertThat(pb.handlers()).containsOnlyKeys("reload");
    }

    @Test
    void unknownStepTypeWithDidYouMean() throws IOException {
        assertThat(errors("""
                hosts: local
                steps:
                  - name: x
                    fiel: {path: /tmp/x, content: a}
                """)).singleElement().asString() // the list grows as step types are added
                .startsWith("4:5: unknown step type `fiel`; did you mean 'file'? (step types: file, line, directory, command");
    }

    @Test
    void unknownParameterWithDidYouMean() throws IOException {
        assertThat(errors("""
                hosts: local
                steps:
                  - file:
                      path: /tmp/x
                      contnet: a
                """)).containsExactly(
                "3:5: `file` needs exactly one of `content` and `template`",
                "5:7: unknown parameter `contnet` of `file`; did you mean 'content'? (known: path, content, template, mode, owner, group)");
    }

    @Test
    void missingRequiredParameter() throws IOException {
        assertThat(errors("""
                hosts: local
                steps:
                  - directory: {mode: "0755"}
                """)).containsExactly("3:5: `directory` needs `path` (absolute path of the directory)");
    }

    @Test
    void wrongTypesOfVariablesAndParameters() throws IOException {
        assertThat(errors("""
                hosts: local
                vars:
                  port: {type: port, default: 70000}
                  vip: {type: ip, default: 10.0.0.300}
                  mode: {type: choice, choices: [a, b], default: c}
                  n: {type: int, default: 5, min: 1, max: 3}
                  t: {type: strnig}
                steps:
                  - directory: {path: relative/dir, mode: "999"}
                """)).containsExactly(
                "3:31: default of `port` must be a port number from 1 to 65535, got '70000'",
                "4:28: default of `vip` must be an IPv4 or IPv6 address, got '10.0.0.300'",
                "5:50: default of `mode` must be one of a, b, got 'c'",
                "6:27: default of `n` must be at most 3, got 5",
                "7:13: unknown type `strnig`; did you mean 'string'? (types: string, int, bool, ip, cidr, port, path, duration, node, nodes, choice, clients, flags, secret)",
                "9:23: `path` must be an absolute path, got 'relative/dir'",
                "9:43: `mode` must be octal permissions such as 0644 (setuid, setgid and sticky bits are not supported yet), got '999'");
    }

    @Test
    void everyVariableTypeAcceptsItsValues() {
        var any = PlaybookReader.anyDecl();
        assertThat(VarType.INT.problem("-12", any)).isEmpty();
        assertThat(VarType.BOOL.problem("yes", any)).isEmpty();
        assertThat(VarType.BOOL.normalize("yes")).isEqualTo("true");
        assertThat(VarType.IP.problem("fe80::1", any)).isEmpty();
        assertThat(VarType.IP.problem("example.com", any)).isPresent();
        assertThat(VarType.CIDR.problem("10.1.0.0/16", any)).isEmpty();
        assertThat(VarType.CIDR.problem("10.1.0.0/33", any)).isPresent();
        assertThat(VarType.PORT.problem("0", any)).isPresent();
        assertThat(VarType.PATH.problem("/etc/x", any)).isEmpty();
        assertThat(VarType.DURATION.problem("30s", any)).isEmpty();
        assertThat(VarType.DURATION.problem("30", any)).isPresent();
        assertThat(VarType.NODE.problem("ha1", any)).isEmpty();
        assertThat(VarType.NODES.problem("ha1, ha2", any)).isEmpty();
        assertThat(VarType.NODES.normalize("ha1, ha2")).isEqualTo("ha1 ha2");
        assertThat(VarType.NODES.problem("ha1 h@2", any)).isPresent();
        var withPattern = new VarDecl("x", VarType.STRING, Optional.empty(), "", List.of(),
                Optional.of(java.util.regex.Pattern.compile("[a-z]+")), Optional.empty(), Optional.empty());
        assertThat(VarType.STRING.problem("abc", withPattern)).isEmpty();
        assertThat(VarType.STRING.problem("ABC", withPattern)).hasValueSatisfying(m -> assertThat(m).contains("pattern"));
    }

    @Test
    void clientsAndFlagsAreDeclaredCheckedAndGivenAsLists() throws IOException {
        assertThat(errors("""
                hosts: local
                vars:
                  opts: {type: flags}
                  bad: {type: flags, choices: ["ro|rw", "rw|x y"]}
                  who: {type: clients, default: "10.0.0.0/24 bad_name"}
                  flavour: {type: string, choices: [a]}
                steps: []
                """)).containsExactly(
                "3:3: variable `opts` of type flags needs `choices`: one entry per set, its alternatives separated by |, e.g. [\"rw|ro\", \"sync|async\"]",
                "4:31: variable `bad` of type flags: choice 'rw' is in two sets",
                "5:33: default of `who` 'bad_name' is not a client: *, a host name, a wildcard (*.example.com), an address, a network or @netgroup (in '10.0.0.0/24 bad_name')",
                "6:27: `choices` applies to types choice and flags only");
        var any = PlaybookReader.anyDecl();
        assertThat(VarType.CLIENTS.problem("* host.lan *.lan @ng 10.0.0.1 10.0.0.0/8", any)).isEmpty();
        assertThat(VarType.CLIENTS.normalize("10.0.0.1, host.lan")).isEqualTo("10.0.0.1,host.lan");
        assertThat(VarType.CLIENTS.problem("10.0.0.0/255.255.0.1", any)).isPresent();
        assertThat(VarType.CLIENTS.problem("x ".repeat(Clients.LIMIT + 1), any)).get().asString().contains("at most 64");
    }

    @Test
    void withinKeepsOnePathBelowAnotherInDeclarationsAndVarsFiles() throws IOException {
        assertThat(errors("""
                hosts: local
                vars:
                  mnt:  {type: path, default: /srv/nfs}
                  bad:  {type: path, default: /srv/other, within: mnt}
                  who:  {type: path, within: mtn}
                  n:    {type: int, within: mnt}
                steps: []
                """)).containsExactly(
                "4:43: default of `bad` must be `mnt` (/srv/nfs) or below it, got '/srv/other'",
                "5:22: `within` of `who` must name another path variable, got `mtn`; did you mean 'mnt'?",
                "6:21: `within` applies to type path only");
        var pb = PlaybookReader.read(write("ok.yaml", """
                hosts: local
                vars:
                  mnt:    {type: path, default: /srv/nfs}
                  export: {type: path, default: /srv/nfs/export, within: mnt}
                steps: []
                """), Inventory.localOnly()).playbook().orElseThrow();
        var export = pb.vars().get("export");
        assertThat(export.withinProblem("/srv/nfs", "/srv/nfs/")).isEmpty();
        assertThat(export.withinProblem("/srv/nfs/./a/../b", "/srv/nfs")).isEmpty();
        assertThat(export.withinProblem("/srv/nfs2/x", "/srv/nfs")).isPresent();
        // a vars file moving the mount point away from the default export: said where it was given
        var r = Vars.resolve(pb, Optional.of(write("vars.yaml", "mnt: /srv/www\n")));
        assertThat(r.errors()).extracting(e -> e.file().getFileName() + ":" + e.line() + ":" + e.column() + ": " + e.message())
                .containsExactly("ok.yaml:1:1: `export` must be `mnt` (/srv/www) or below it, got '/srv/nfs/export'");
        r = Vars.resolve(pb, Optional.of(write("vars2.yaml", "mnt: /srv/www\nexport: /srv/nfs\n")));
        assertThat(r.errors()).extracting(e -> e.file().getFileName() + ":" + e.line() + ":" + e.column() + ": " + e.message())
                .containsExactly("vars2.yaml:2:9: `export` must be `mnt` (/srv/www) or below it, got '/srv/nfs'");
        assertThat(Vars.resolve(pb, Optional.of(write("vars3.yaml", "mnt: /srv/www\nexport: /srv/www/x\n"))).errors()).isEmpty();
    }

    @Test
    void undefinedVariableInATemplate() throws IOException {
        assertThat(errors("""
                hosts: local
                vars:
                  docroot: {type: path, default: /srv}
                steps:
                  - line: {path: "{{docroot}}/a", line: "x={{ docrot }}"}
                """)).containsExactly("5:41: undefined variable `docrot`; did you mean 'docroot'?; declare it under `vars:`");
    }

    @Test
    void undefinedVariableInATemplateFileIsReportedInThatFile() throws IOException {
        write("page.tmpl", "<h1>\n  {{ title }} on {{ host }}\n</h1>\n");
        Path p = write("pb.yaml", """
                hosts: local
                steps:
                  - file: {path: /tmp/x, template: page.tmpl}
                """);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        assertThat(r.errors()).singleElement().hasToString(dir.resolve("page.tmpl")
                + ":2:3: undefined variable `title`; declare it under `vars:` in pb.yaml");
    }

    @Test
    void undefinedVariableInAStepName() throws IOException {
        assertThat(errors("""
                hosts: local
                steps:
                  - name: "page for {{ sit }}"
                    directory: {path: /tmp/x}
                """)).containsExactly("3:11: undefined variable `sit`; declare it under `vars:`");
    }

    @Test
    void malformedTemplate() throws IOException {
        assertThat(errors("""
                hosts: local
                steps:
                  - command: {cmd: "echo {{ 1x }}"}
                """)).containsExactly("3:20: `{{ 1x }}` is not a variable reference; write {{ name }}");
    }

    @Test
    void unknownHostWithDidYouMean() throws IOException {
        Path inv = write("inv.yaml", """
                hosts:
                  ha1: {address: 10.0.0.1, ssh: {user: root}}
                  box: {connection: local}
                """);
        var inventory = Inventory.read(inv);
        assertThat(inventory.errors()).isEmpty();
        assertThat(errors("""
                hosts: [locl, ha1, box]
                steps:
                  - directory: {path: /tmp/x}
                """, inventory.inventory().orElseThrow())).containsExactly(
                "1:9: unknown host or group `locl`; did you mean 'local'? (known: local, ha1, box, all; others come from --inventory or --config)");
    }

    @Test
    void thisMachineOnlyOnce() throws IOException {
        Path inv = write("inv.yaml", "hosts:\n  box: {connection: local}\n");
        assertThat(errors("""
                hosts: [local, box]
                steps: []
                """, Inventory.read(inv).inventory().orElseThrow()))
                .containsExactly("1:16: hosts `local` and `box` are both this machine; name it once");
    }

    @Test
    void inventoryErrors() throws IOException {
        Path inv = write("inv.yaml", """
                hosts:
                  ha1: {ssh: {usr: root}}
                """);
        assertThat(Inventory.read(inv).errors()).extracting(e -> e.line() + ":" + e.column() + ": " + e.message())
                .containsExactly("2:8: host `ha1` needs an `address` (or `connection: local`)",
                        "2:15: unknown key `usr` in `ssh`; did you mean 'user'? (known: user, port, key, known_hosts, become)");
    }

    @Test
    void emptyHosts() throws IOException {
        assertThat(errors("""
                hosts: []
                steps: []
                """)).containsExactly("1:8: `hosts` is empty: name where the playbook runs, e.g. [local]");
    }

    @Test
    void notifyOfAnUnknownHandler() throws IOException {
        assertThat(errors("""
                hosts: local
                steps:
                  - directory: {path: /tmp/x}
                    notify: [relaod]
                handlers:
                  - name: reload
                    command: {cmd: "true"}
                """)).containsExactly("4:14: no handler named `relaod`; did you mean 'reload'?");
    }

    @Test
    void unknownTopLevelKeyAndMissingSteps() throws IOException {
        assertThat(errors("""
                hosts: local
                step:
                  - directory: {path: /tmp/x}
                """)).containsExactly(
                "1:1: a playbook needs `steps:`, a list of what to do",
                "2:1: unknown top-level key `step`; did you mean 'steps'? (known: name, hosts, vars, steps, handlers, serial, any_errors_fatal)");
    }

    @Test
    void yamlSyntaxErrorIsLocated() throws IOException {
        assertThat(errors("hosts: [local\nsteps: []\n")).singleElement().asString().startsWith("2:6: YAML syntax error");
    }

    @Test
    void everyErrorAtOnce() throws IOException {
        assertThat(errors("""
                hosts: [nowhere]
                vars:
                  a: {type: int, default: x}
                steps:
                  - srvice: {name: apache2}
                  - file: {path: /x, content: "{{b}}", ownr: root}
                """)).hasSize(5);
    }
}
