package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.tui.Screens;
import dev.vigil.tui.TuiOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recipe's wizard end to end through the real OpenSSH client inside a private tmux server, at
 * 80x24: an in-JVM console (the wizards registered as in {@code vigil console}) whose cluster is
 * a fixed status, and the {@code hello} fixture recipe writing a page into a temp directory on
 * {@code local}, from the form to the apply and the saved command line.
 */
@Tag("integration")
class WizardSshIT {
    private static final Duration PATIENCE = TmuxConsole.PATIENCE;

    @TempDir Path dir;
    private TmuxConsole ui;

    @BeforeEach
    void start() throws Exception {
        var settings = new WizardSettings(FormTest.recipes(), dir.resolve("saved"), dir.resolve("state").toString(), WizardHosts.local());
        var options = TuiOptions.defaults().withScreens(Screens.standard().with(Wizards.entry(settings)));
        ui = new TmuxConsole(dir, "operator", new WizardSessionHarness.Backend(), options);
    }

    @AfterEach
    void stop() throws Exception {
        if (ui != null) ui.close();
    }

    @Test
    void aFixtureRecipeFromTheFormToTheApplyThroughOpenSsh() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        ui.connect();
        awaitScreen("cluster web");

        keys("w");
        awaitScreen("Recipes in ");
        keys("Down", "Down", "Enter");
        awaitScreen("hello: answers (1/5)");
        // Esc (a lone ESC byte through ssh) cancels: back to the catalogue, the answer gone
        literal("/tmp/cancelled");
        awaitScreen("/tmp/cancelled_");
        keys("Escape");
        awaitScreen("Recipes in ");
        keys("Enter");
        awaitScreen("hello: answers (1/5)");
        awaitGone("/tmp/cancelled");
        // Next with the directory unanswered: refused, the reason next to the field
        keys("Enter");
        awaitScreen("! needs an answer");
        awaitScreen("1 answer is not right");
        // a relative path: the engine's reason when the field is left
        literal("www");
        keys("Down");
        awaitScreen("! must be an absolute path (starting with /), got 'www'");
        keys("Up", "BSpace", "BSpace", "BSpace");
        literal(www.toString());
        keys("Down");
        awaitGone("! must be");
        literal(" and welcome"); // greeting: "hello and welcome"
        // the layout follows a resize, on any page
        ui.resize(100, 30);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture().lines().filter(l -> l.contains("otto (operator)"))
                .findFirst().orElse("").stripTrailing()).hasSize(100));
        ui.resize(80, 24);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture().lines().filter(l -> l.contains("otto (operator)"))
                .findFirst().orElse("").stripTrailing()).hasSize(80));

        keys("Enter");
        awaitScreen("hello: summary (2/5)");
        awaitScreen("hello and welcome");
        keys("Enter");
        awaitScreen("Plan: 1 change on 1 host; nothing has been changed yet");
        awaitScreen("+hello and welcome from local");
        assertThat(Files.exists(www.resolve("index.html"))).isFalse();
        keys("a");
        awaitScreen("[y/N]");
        keys("y");
        awaitScreen("Done: hello page");
        awaitScreen("Repeat it from a shell:");
        assertThat(Files.readString(www.resolve("index.html"))).isEqualTo("hello and welcome from local\n");

        var saved = Files.list(dir.resolve("saved")).toList();
        assertThat(saved).singleElement();
        String runId = saved.get(0).getFileName().toString().substring("hello-".length());
        assertThat(Files.readString(saved.get(0).resolve("vars.yaml"))).contains("dir: \"" + www + "\"")
                .contains("greeting: \"hello and welcome\"");
        assertThat(ui.audit.tail(10)).extracting(e -> e.user() + " " + e.action() + " " + e.target() + " " + e.outcome().split(";")[0])
                .containsExactly("otto recipe-apply hello run " + runId + " started on local",
                        "otto recipe-apply hello run " + runId + " ok: changed=1 failed hosts=0");

        keys("Enter");
        awaitScreen("Recipes in ");
        assertThat(ui.quit()).isEqualTo("0");
    }

    private void keys(String... keys) throws Exception {
        ui.keys(keys);
    }

    private void literal(String text) throws Exception {
        ui.literal(text);
    }

    private String capture() throws Exception {
        return ui.capture();
    }

    private void awaitScreen(String text) {
        ui.awaitScreen(text);
    }

    private void awaitGone(String text) {
        ui.awaitGone(text);
    }
}
