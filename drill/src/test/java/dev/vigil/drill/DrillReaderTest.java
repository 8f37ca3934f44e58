package dev.vigil.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillReaderTest {
    private static final Path FILE = Path.of("drills.yaml");

    private static List<String> errors(String yaml) {
        return errors(yaml, Optional.empty());
    }

    private static List<String> errors(String yaml, Optional<Set<String>> nodes) {
        var r = DrillReader.read(FILE, yaml, nodes);
        assertThat(r.drills()).as("no drills when there are errors").isEmpty();
        return r.errors().stream().map(DrillError::toString).toList();
    }

    @Test
    void theShippedExamplesRead() {
        var r = DrillReader.read(Path.of("../playbooks/drills/web.yaml"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.drills()).extracting(Drill::name)
                .containsExactly("web-switchover", "ha1-crash", "apache-killed", "ha1-frozen", "ha1-cut-off");
        var switchover = r.drills().get(0);
        assertThat(switchover.kind()).isEqualTo(Kind.SWITCHOVER);
        assertThat(switchover.to()).contains("ha2");
        assertThat(switchover.probes()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Drill.ProbeKind.HTTP);
            assertThat(p.interval()).isEqualTo(Duration.ofMillis(100));
            assertThat(p.vantage()).isEqualTo("local");
        });
        assertThat(switchover.expect().serviceBackWithin()).contains(Duration.ofSeconds(30));
        assertThat(switchover.expect().resources()).isEqualTo(Map.of("www", "ha2"));
        assertThat(switchover.expect().singleHolder()).containsExactly("vip");
        assertThat(switchover.expect().fenced()).contains(false);
        assertThat(switchover.expect().noOtherNodeLost()).isTrue();
        assertThat(switchover.limits().budget()).isEqualTo(Duration.ofMinutes(3));
        var crash = r.drills().get(1);
        assertThat(crash.inject().method()).contains("fence");
        assertThat(crash.inject().restore()).contains("ssh root@ha1 systemctl start vigil");
        assertThat(r.drills().get(3).inject().duration()).contains(Duration.ofSeconds(3));
    }

    @Test
    void everyMistakeIsReportedAtOnceAtItsLineAndColumn() {
        var errors = errors("""
                drills:
                  - name: web
                    kidn: switchover
                    target: www
                  - name: other
                    kind: swichover
                    target: www
                    probes:
                      - {htp: "http://x/", interval: fast}
                      - {tcp: "no-port"}
                    expect: {service_back_within: 10 seconds, fenced: maybe}
                    limits: {budgt: 2m}
                """);
        assertThat(errors).containsExactly(
                "drills.yaml:2:5: a drill needs `kind:`",
                "drills.yaml:3:5: unknown key `kidn` in a drill; did you mean 'kind'? (known: name, description, kind, "
                        + "target, to, probes, expect, limits, inject)",
                "drills.yaml:6:11: unknown kind `swichover`; did you mean 'switchover'? (kinds: node-crash, link-cut, "
                        + "resource-failure, switchover, agent-freeze, fence)",
                "drills.yaml:9:9: a probe needs exactly one of `http: URL`, `tcp: HOST:PORT` or `command: CMD`",
                "drills.yaml:9:10: unknown key `htp` in a probe; did you mean 'http'? (known: name, http, tcp, command, "
                        + "interval, timeout, vantage, reuse)",
                "drills.yaml:10:15: `tcp` must be HOST:PORT (IPv6 as [::1]:80), not `no-port`",
                "drills.yaml:11:35: `service_back_within` must be a duration such as 500ms, 10s or 2m, not `10 seconds`",
                "drills.yaml:11:55: `fenced` must be true or false, not `maybe`",
                "drills.yaml:12:14: unknown limit `budgt`; did you mean 'budget'? (known: budget, settle)");
    }

    @Test
    void eachKindSaysWhatItNeedsToInjectItsFault() {
        var errors = errors("""
                drills:
                  - {name: a, kind: resource-failure, target: web}
                  - {name: b, kind: link-cut, target: ha1, inject: {command: "nft -f cut.nft"}}
                  - {name: c, kind: agent-freeze, target: ha1, inject: {command: "pidof java"}}
                  - {name: d, kind: node-crash, target: ha1, inject: {method: powercut}}
                  - {name: e, kind: switchover, target: www, inject: {command: "true"}}
                  - {name: f, kind: node-crash, target: ha1, to: ha2}
                """);
        assertThat(errors).hasSize(6);
        assertThat(errors.get(0)).startsWith("drills.yaml:2:5: a resource-failure drill needs `inject: {command: ...}` of drill `a`");
        assertThat(errors.get(1)).startsWith("drills.yaml:3:44: a link-cut drill needs `inject: {command: ..., restore: ...}`");
        assertThat(errors.get(2)).startsWith("drills.yaml:4:48: an agent-freeze drill needs `inject: {command: ..., duration: ...}`");
        assertThat(errors.get(3)).isEqualTo("drills.yaml:5:46: unknown node-crash method `powercut` (methods: fence, command)");
        assertThat(errors.get(4)).startsWith("drills.yaml:6:46: a switchover drill is done through the control channel");
        assertThat(errors.get(5)).isEqualTo("drills.yaml:7:46: `to` applies to switchover drills only");
    }

    @Test
    void namesAreUniqueAndAVantageIsANodeOfTheCluster() {
        var errors = errors("""
                drills:
                  - {name: web, kind: switchover, target: www}
                  - {name: web, kind: switchover, target: www}
                  - name: far
                    kind: switchover
                    target: www
                    probes: [{http: "http://10.0.0.50/", vantage: hq3, interval: 1ms}, {tcp: "10.0.0.50:80", vantage: ha3, reuse: true},
                             {http: "http://10.0.0.50/", reuse: sometimes}]
                  - {name: "bad name", kind: switchover, target: www, expect: {service_back_within: 5s}}
                """, Optional.of(Set.of("ha1", "ha2", "ha3")));
        assertThat(errors).containsExactly(
                "drills.yaml:3:5: drill `web` is defined twice (first at line 2)",
                "drills.yaml:7:51: vantage `hq3` is not a node of the cluster (ha1, ha2, ha3) nor `local`; did you mean 'ha3'?",
                "drills.yaml:7:66: `interval` must be at least 2ms",
                "drills.yaml:7:108: `reuse` applies to http probes only (a tcp probe's point is the connect, a command's is the command)",
                "drills.yaml:8:49: `reuse` must be true or false, not `sometimes`",
                "drills.yaml:9:12: drill name `bad name` must be letters, digits, '.', '_' and '-' (it names the drill on the command line)",
                "drills.yaml:9:55: `service_back_within` needs at least one probe of drill `bad name` (add `probes:`), "
                        + "or nothing measures the service");
    }

    @Test
    void anHttpProbeReusesItsConnectionUnlessToldNotAndMayProbeEvery2Ms() {
        var r = DrillReader.read(FILE, """
                drills:
                  - name: web
                    kind: switchover
                    target: www
                    probes: [{name: kept, http: "http://10.0.0.50/", interval: 2ms},
                             {name: fresh, http: "http://10.0.0.50/", reuse: false}, {tcp: "10.0.0.50:80"}]
                """, Optional.empty());
        assertThat(r.errors()).isEmpty();
        assertThat(r.drills().get(0).probes()).extracting(p -> p.name() + " " + p.interval().toMillis() + " " + p.reuse())
                .containsExactly("kept 2 true", "fresh 200 false", "tcp-3 200 true");
    }

    @Test
    void aVantageNodeIsKeptAndWithoutTheClusterFileAnyNameIsLeftToTheRun() {
        var yaml = """
                drills:
                  - name: far
                    kind: switchover
                    target: www
                    probes: [{name: from-ha3, http: "http://10.0.0.50/", vantage: ha3}]
                """;
        for (var nodes : List.of(Optional.<Set<String>>empty(), Optional.of(Set.of("ha1", "ha3")))) {
            var r = DrillReader.read(FILE, yaml, nodes);
            assertThat(r.errors()).isEmpty();
            assertThat(r.drills().get(0).probes().get(0).vantage()).isEqualTo("ha3");
        }
    }

    @Test
    void syntaxErrorsAndEmptyFilesHaveAPositionToo() {
        assertThat(errors("drills:\n  - {name: a\n")).singleElement().asString().startsWith("drills.yaml:3:1: YAML syntax error");
        assertThat(errors("")).containsExactly("drills.yaml:1:1: the drill file is empty; it needs `drills:`, a list of drills");
        assertThat(errors("drill: []\n")).containsExactly(
                "drills.yaml:1:1: unknown top-level key `drill`; did you mean 'drills'? (known: drills)",
                "drills.yaml:1:1: a drill file needs `drills:`, a list of drills");
    }
}
