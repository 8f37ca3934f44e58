package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.SerialTestOp;
import dev.vigil.control.SerialTestReport;
import dev.vigil.playbook.Inventory;
import dev.vigil.tui.Context;
import dev.vigil.tui.Line;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Screens;
import dev.vigil.transport.serial.SerialLinkTestService;
import dev.vigil.transport.serial.SocatPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serial link wizard's page with two "agents" answering op {@code serial-test} with their real
 * test service (the dispatch's answer, without the TCP hop: {@code SerialWizardBedIT} in install/ has that) on
 * socat cables: the cable tested OK with live counts and the offer to add it, a pulled cable's
 * verdict and hint, refusals before anything runs, and the verdicts' hints from the reports.
 */
class SerialTestPageTest {
    @TempDir
    Path dir;
    private final List<SocatPair> cables = new java.util.ArrayList<>();
    private AuditLog audit;
    private ClusterConfig config;

    @BeforeEach
    void setUp() throws Exception {
        assumeThat(SocatPair.available()).as("socat is needed (apt-get install socat)").isTrue();
        audit = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC());
        Files.writeString(dir.resolve("authkey"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(dir.resolve("authkey"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("cluster.yaml"), """
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 694}
                policy: {two_node_unsafe: true}
                """);
        config = ConfigLoader.load(dir.resolve("cluster.yaml"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (var c : cables) c.close();
        audit.close();
    }

    private SocatPair cable(String name) throws Exception {
        Files.createDirectories(dir.resolve(name));
        var c = new SocatPair(dir.resolve(name));
        c.start();
        cables.add(c);
        return c;
    }

    /** ha1 and ha2's agents: each its own test service, answering as the control dispatch does. */
    private static SerialAgents agents() {
        var services = Map.of("ha1", new SerialLinkTestService(Set::of), "ha2", new SerialLinkTestService(Set::of));
        return (node, verb, args) -> {
            try {
                return SerialTestOp.answer(services.get(node), verb, args);
            } catch (ControlHandler.Refused e) {
                throw new IOException("the agent refused: " + e.getMessage());
            }
        };
    }

    private SerialTestPage page() throws Exception {
        var recipe = Recipes.read("serial-link", ShippedRecipesTest.SHIPPED.resolve("serial-link/playbook.yaml"),
                Inventory.read(Optional.empty(), Optional.of(dir.resolve("cluster.yaml"))).inventory().orElseThrow());
        assertThat(recipe.errors()).isEmpty();
        var settings = new WizardSettings(ShippedRecipesTest.SHIPPED, dir.resolve("saved"), dir.resolve("state").toString(),
                WizardHosts.local());
        return new SerialTestPage(recipe, settings, c -> agents());
    }

    private Context ctx(Role role) {
        var op = new Operator(role.configName() + "1", "SHA256:abc", "key", role);
        return new Context(WizardSessionHarness.Backend.cluster(), List.of(), op, audit, Screens.standard(), config, null, Instant.now());
    }

    private static String text(List<Line> lines) {
        return lines.stream().map(Line::text).collect(Collectors.joining("\n"));
    }

    private static void answer(SerialTestPage p, String a, String b, String duration) {
        p.form().set("node_a", "ha1");
        p.form().set("device_a", a);
        p.form().set("node_b", "ha2");
        p.form().set("device_b", b);
        p.form().set("duration", duration);
    }

    private static void awaitVerdict(SerialTestPage p) {
        await().atMost(Duration.ofSeconds(20)).until(() -> p.run().finished());
    }

    @Test
    void aGoodCableShowsBothEndsCountsTheVerdictAndOffersTheRecipesPlan() throws Exception {
        var cable = cable("good");
        var p = page();
        var ctx = ctx(Role.OPERATOR);
        answer(p, cable.a.toString(), cable.b.toString(), "1s");
        assertThat(p.hints(ctx)).contains(new dev.vigil.tui.Page.KeyHint("Enter", "test the cable"));
        long before = p.revision();
        assertThat(p.onKey(new KeyStroke(KeyType.Enter), ctx)).isInstanceOf(Reaction.Say.class);
        assertThat(p.stage()).isEqualTo(SerialTestPage.Stage.TEST);
        assertThat(text(p.body(ctx, 100, 30))).contains("ha1:" + cable.a + " → ha2:" + cable.b + " at 19200 baud for 1s");
        // live: the counts move while it runs (the page's revision with them)
        await().atMost(Duration.ofSeconds(10)).until(() -> p.run().sent().map(SerialTestReport::sent).orElse(0L) > 0);
        assertThat(p.revision()).isGreaterThan(before);
        awaitVerdict(p);
        String shown = text(p.body(ctx, 200, 30));
        assertThat(shown).contains("sent 20  back 20  corrupted 0  lost 0").contains("RTT p50")
                .contains("heard 20  echoed 20").contains("Verdict: OK").contains("add it to the cluster");
        assertThat(p.title()).isEqualTo("serial-link: cable test verdict");
        var audited = audit.tail(10);
        assertThat(audited).extracting(AuditLog.Entry::action).containsExactly("serial-test", "serial-test");
        assertThat(audited.get(1).outcome()).startsWith("OK: ha1 → ha2: 20 sent, 20 back");

        // a: the recipe's own wizard, at its summary with the tested answers (then plan and apply)
        var open = p.onKey(new KeyStroke('a', false, false), ctx);
        assertThat(open).isInstanceOf(Reaction.Open.class);
        var wizard = (WizardPage) ((Reaction.Open) open).page();
        assertThat(wizard.stage()).isEqualTo(WizardPage.Stage.SUMMARY);
        assertThat(wizard.form().values()).containsEntry("device_a", cable.a.toString()).containsEntry("node_b", "ha2");
    }

    @Test
    void aPulledCableSaysNoLinkAndWhatToCheck() throws Exception {
        // both ports exist, nothing joins them: each is one end of a cable whose other end is free
        var one = cable("one");
        var other = cable("other");
        var p = page();
        var ctx = ctx(Role.OPERATOR);
        answer(p, one.a.toString(), other.b.toString(), "1s");
        p.onKey(new KeyStroke(KeyType.Enter), ctx);
        awaitVerdict(p);
        var v = p.verdict();
        assertThat(v.word()).isEqualTo("NO_LINK");
        assertThat(v.summary()).contains("20 sent, 0 back").contains("ha2 heard nothing");
        assertThat(v.hint()).contains("the cable is absent").contains("null-modem");
        assertThat(text(p.body(ctx, 200, 30))).contains("Verdict: NO_LINK");
        // the echoer gave up waiting within the run: both agents free, so r right now is not refused
        assertThat(p.run().echoed()).hasValueSatisfying(e -> assertThat(e.done()).isTrue());
        // r runs it again; b goes back to the answers
        assertThat(p.onKey(new KeyStroke('b', false, false), ctx)).isEqualTo(Reaction.HANDLED);
        assertThat(p.stage()).isEqualTo(SerialTestPage.Stage.FORM);
    }

    @Test
    void refusedBeforeAnythingRuns() throws Exception {
        var p = page();
        answer(p, "/dev/ttyS0", "/dev/ttyS0", "5s");
        var viewer = p.onKey(new KeyStroke(KeyType.Enter), ctx(Role.VIEWER));
        assertThat(((Reaction.Say) viewer).message()).contains("refused").contains("operator");
        assertThat(p.stage()).isEqualTo(SerialTestPage.Stage.FORM);
        assertThat(audit.tail(10)).singleElement().extracting(AuditLog.Entry::outcome).asString().startsWith("refused");

        p.form().set("node_b", "ha1");
        assertThat(((Reaction.Say) p.onKey(new KeyStroke(KeyType.Enter), ctx(Role.OPERATOR))).message()).contains("the same node");
        p.form().set("node_b", "ha2");
        p.form().set("device_b", "ttyS0");
        assertThat(((Reaction.Say) p.onKey(new KeyStroke(KeyType.Enter), ctx(Role.OPERATOR))).message()).contains("not right");
        assertThat(p.form().problem("device_b")).get().asString().contains("absolute path");
        assertThat(p.stage()).isEqualTo(SerialTestPage.Stage.FORM);
    }

    @Test
    void theHintFollowsWhatEachEndSaw() {
        var sentNothingBack = new SerialTestReport("done", "send", "/dev/ttyS0", 19200, 100, 0, 0, 100, null, null, null, null,
                "NO_LINK", "no frames came back: check the cable is null-modem");
        var heard = new SerialTestReport("done", "echo", "/dev/ttyS0", 19200, 100, 100, 0, 0, null, null, null, null, "OK", "received");
        assertThat(SerialVerdict.of("ha1", "ha2", Optional.of(sentNothingBack), Optional.of(heard), Optional.empty(), 19200).hint())
                .contains("one direction is broken").contains("null-modem");
        var garbled = new SerialTestReport("done", "send", "/dev/ttyS0", 19200, 100, 0, 3, 100, null, null, null, null, "NO_LINK",
                "no frames came back, but 40 garbage bytes and 3 corrupted frames did: the line is live but garbled");
        assertThat(SerialVerdict.of("ha1", "ha2", Optional.of(garbled), Optional.empty(), Optional.empty(), 9600).hint())
                .startsWith("wrong baud rate").contains("9600");
        var absent = new SerialTestReport("done", "echo", "/dev/ttyS9", 19200, 0, 0, 0, 0, null, null, null, null, "NO_LINK",
                "cannot open /dev/ttyS9: no such file");
        var v = SerialVerdict.of("ha1", "ha2", Optional.empty(), Optional.of(absent), Optional.empty(), 19200);
        assertThat(v.summary()).startsWith("on ha2: cannot open /dev/ttyS9");
        assertThat(SerialVerdict.of("ha1", "ha2", Optional.empty(), Optional.empty(), Optional.of("connection refused"), 19200).word())
                .isEqualTo("ERROR");
    }
}
