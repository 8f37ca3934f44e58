package dev.vigil.playbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code when:} language: what parses, what it means, and every error at its line:column in a playbook. */
class ConditionTest {
    @TempDir
    Path dir;

    static final Map<String, String> V = Map.of("host", "ha1", "nodes", "ha1 ha2", "on", "true", "off", "false",
            "flavour", "fancy", "facts.os_family", "debian", "facts.os_version", "12", "facts.interfaces", "lo eth0");

    private static boolean t(String cond) throws Condition.SyntaxError {
        return Condition.parse(cond).test(V);
    }

    @Test
    void comparisonsMembershipBoolsAndLogic() throws Exception {
        assertThat(t("facts.os_family == debian")).isTrue();
        assertThat(t("facts.os_family != debian")).isFalse();
        assertThat(t("facts.os_version == '12'")).isTrue();
        assertThat(t("facts.os_version == \"12\"")).isTrue();
        assertThat(t("host in nodes")).isTrue();
        assertThat(t("'ha3' in nodes")).isFalse();
        assertThat(t("host not in nodes")).isFalse();
    }

    @Test
    void precedenceIsNotThenAndThenOr() throws Exception {
        assertThat(t("on or off and off")).isTrue(); // on or (off and off)
        assertThat(t("(on or off) and off")).isFalse();
        assertThat(t("not off and on")).isTrue(); // (not off) and on
        assertThat(t("not (off or on)")).isFalse();
        assertThat(t("not not on")).isTrue();
        assertThat(t("false")).isFalse();
        assertThat(t("true and on")).isTrue();
        assertThat(t("on == yes and off == no")).isTrue(); // bool words compare as bools
    }

    @Test
    void aNameWithoutValueOnTheHostIsAnErrorWhenTested() throws Exception {
        var c = Condition.parse("facts.ipv4.eth9 == 10.0.0.1");
        assertThatThrownBy(() -> c.test(V)).hasMessage("`facts.ipv4.eth9` has no value on this host");
        var b = Condition.parse("flavour");
        assertThatThrownBy(() -> b.test(V)).hasMessage("`flavour` is 'fancy', not a bool");
    }

    private static String syntax(String cond) {
        try {
            Condition.parse(cond);
            return "parsed";
        } catch (Condition.SyntaxError e) {
            return e.offset + ": " + e.getMessage();
        }
    }

    @Test
    void syntaxErrorsSayWhere() {
        assertThat(syntax("")).isEqualTo("0: the condition is empty");
        assertThat(syntax("a = b")).isEqualTo("2: `=` is not an operator: write `==`");
        assertThat(syntax("!a")).isEqualTo("0: `!` is not an operator: write `!=` or `not`");
        assertThat(syntax("a == ")).isEqualTo("5: the condition ends too soon: expected a value to compare with");
        assertThat(syntax("(a and b")).isEqualTo("8: the condition ends too soon: expected `)`");
        assertThat(syntax("a b")).isEqualTo("2: unexpected `b`: join conditions with `and` or `or`");
        assertThat(syntax("a == 'x")).isEqualTo("5: the string starting here is never closed with '");
        assertThat(syntax("'x' == a")).startsWith("0: a quoted value cannot stand here");
        assertThat(syntax("a == and")).startsWith("5: expected a value after ==, got `and`");
        assertThat(syntax("a and or b")).isEqualTo("6: expected a variable or fact name, got `or`");
        assertThat(syntax("12 == a")).startsWith("0: `12` is not a variable or fact name");
        assertThat(syntax("a < 3")).startsWith("2: unexpected character `<`");
        assertThat(syntax("a in 'x'")).startsWith("5: a quoted value cannot stand here");
    }

    private static final Map<String, VarDecl> VARS = Map.of(
            "nodes", decl("nodes", VarType.NODES, List.of()),
            "on", decl("on", VarType.BOOL, List.of()),
            "port", decl("port", VarType.PORT, List.of()),
            "flavour", decl("flavour", VarType.CHOICE, List.of("plain", "fancy")));

    private static VarDecl decl(String name, VarType type, List<String> choices) {
        return new VarDecl(name, type, Optional.empty(), "", choices, Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<String> check(String cond) throws Condition.SyntaxError {
        return Condition.parse(cond).check(VARS, Set.of("host")).stream().map(p -> p.offset() + ": " + p.message()).toList();
    }

    @Test
    void checkFindsUnknownNamesAndTestsThatCannotMakeSense() throws Exception {
        assertThat(check("on and host in nodes and flavour == plain and facts.os_family == debian and facts.ipv4.eth0 != x")).isEmpty();
        assertThat(check("om")).containsExactly("0: undefined variable `om`; did you mean 'on'?; declare it under `vars:`");
        assertThat(check("facts.os_famly == debian")).singleElement().asString()
                .startsWith("0: unknown fact `facts.os_famly`; did you mean 'facts.os_family'? (facts: ");
        assertThat(check("port")).containsExactly("0: `port` is a variable of type port, not a bool: compare it with a value, e.g. `port == VALUE`");
        assertThat(check("host in port")).containsExactly(
                "8: `in` needs a list: a variable of type nodes, facts.interfaces or facts.addresses, not `port`");
        assertThat(check("flavour == fency")).containsExactly("11: `flavour` is one of plain, fancy, never 'fency'; did you mean 'fancy'?");
        assertThat(check("on == maybe")).containsExactly("6: `on` is a bool: compare it with true or false, not 'maybe'");
        assertThat(check("not x or y")).hasSize(2);
    }

    private List<String> readerErrors(String when) throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                hosts: [local]
                vars:
                  primaries: {type: nodes, default: [ha1]}
                steps:
                  - command: {cmd: "true"}
                """ + "    when: " + when + "\n");
        return PlaybookReader.read(p, Inventory.localOnly()).errors().stream()
                .map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }

    @Test
    void theReaderReportsConditionErrorsAtTheirLineAndColumn() throws IOException {
        assertThat(readerErrors("host in primaries and facts.init == systemd")).isEmpty();
        // `when: ` puts the condition at column 11 of line 6.
        assertThat(readerErrors("host in primarys")).containsExactly(
                "6:19: undefined variable `primarys`; did you mean 'primaries'?; declare it under `vars:`");
        assertThat(readerErrors("\"host in primaries and facts.nit == systemd\"")).singleElement().asString()
                .startsWith("6:34: unknown fact `facts.nit`");
        assertThat(readerErrors("host = ha1")).containsExactly("6:16: `when`: `=` is not an operator: write `==`");
        assertThat(readerErrors("'(host in primaries'")).containsExactly(
                "6:30: `when`: the condition ends too soon: expected `)`");
    }

    @Test
    void handlersTakeConditionsToo() throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                hosts: [local]
                steps:
                  - command: {cmd: "true"}
                    notify: h
                handlers:
                  - name: h
                    command: {cmd: "true"}
                    when: facts.init == systemd
                """);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        assertThat(r.playbook().orElseThrow().handlers().get("h").when()).hasValueSatisfying(
                c -> assertThat(c.text()).isEqualTo("facts.init == systemd"));
    }

    @Test
    void templatesTakeFactsAndCheckTheirNames() throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                hosts: [local]
                steps:
                  - file: {path: /tmp/x, content: "{{facts.hostname}} {{facts.ipv4.eth0}} {{facts.memry_mb}}"}
                """);
        var errors = PlaybookReader.read(p, Inventory.localOnly()).errors();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line() + ":" + e.column()).isEqualTo("3:35");
            assertThat(e.message()).startsWith("unknown fact `facts.memry_mb`; did you mean 'facts.memory_mb'?");
        });
    }

    @Test
    void playbookKeysSerialAnyErrorsFatalAndStepTimeout() throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                hosts: [local]
                serial: 0
                any_errors_fatal: maybe
                steps:
                  - command: {cmd: "true"}
                    timeout: soon
                """);
        assertThat(PlaybookReader.read(p, Inventory.localOnly()).errors()).extracting(e -> e.line() + ":" + e.column() + ": " + e.message())
                .containsExactly("2:9: `serial` must be a number of hosts per batch, 1 or more",
                        "3:19: `any_errors_fatal` must be true or false, got 'maybe'",
                        "6:14: `timeout` of a step must be a duration such as 30s or 5m, got 'soon'");
        Files.writeString(p, """
                hosts: [local]
                serial: 2
                any_errors_fatal: true
                steps:
                  - command: {cmd: "true"}
                    timeout: 90s
                """);
        var pb = PlaybookReader.read(p, Inventory.localOnly()).playbook().orElseThrow();
        assertThat(pb.serial()).isEqualTo(2);
        assertThat(pb.anyErrorsFatal()).isTrue();
        assertThat(pb.steps().get(0).timeout()).contains(java.time.Duration.ofSeconds(90));
    }
}
