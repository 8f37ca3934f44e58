package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.access.AuditLog;
import dev.vigil.ssh.AuthorizedKeysFile;
import dev.vigil.ssh.ConsoleServer;
import dev.vigil.ssh.FailureThrottle;
import dev.vigil.ssh.ShellSessionFactory;
import dev.vigil.tui.Screens;
import dev.vigil.tui.TuiOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir Path dir;
    private ConsoleServer console;
    private AuditLog audit;
    private String tmux;

    @BeforeEach
    void start() throws Exception {
        var key = dir.resolve("id_ed25519");
        var r = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "otto", "-f", key.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "role=operator " + Files.readString(dir.resolve("id_ed25519.pub")));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        audit = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC());
        var settings = new WizardSettings(FormTest.recipes(), dir.resolve("saved"), dir.resolve("state").toString(), WizardHosts.local());
        var options = TuiOptions.defaults().withScreens(Screens.standard().with(Wizards.entry(settings)));
        console = new ConsoleServer(new ConsoleServer.Settings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("host_ed25519")),
                new AuthorizedKeysFile(keys), new FailureThrottle(Clock.systemUTC(), FailureThrottle.Policy.defaults()),
                (who, words, in, out, err) -> 2, ShellSessionFactory.tui(new WizardSessionHarness.Backend(), audit, options));
        console.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (tmux != null) run(List.of("tmux", "-L", tmux, "kill-server"));
        if (console != null) console.close();
        if (audit != null) audit.close();
    }

    @Test
    void aFixtureRecipeFromTheFormToTheApplyThroughOpenSsh() throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        tmux = "vigil-wiz-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path exit = dir.resolve("ssh.exit");
        String ssh = String.join(" ", "ssh", "-p", String.valueOf(console.port()), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                "-F", "/dev/null", "-i", dir.resolve("id_ed25519").toString(), "-t", "otto@127.0.0.1");
        var started = run(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "80", "-y", "24",
                "sh", "-c", ssh + "; echo $? > " + exit + "; sleep 30"));
        assertThat(started.exit()).as(started.err()).isZero();
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
        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", "100", "-y", "30"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture().lines().filter(l -> l.contains("otto (operator)"))
                .findFirst().orElse("").stripTrailing()).hasSize(100));
        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", "80", "-y", "24"));
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
        assertThat(audit.tail(10)).extracting(e -> e.user() + " " + e.action() + " " + e.target() + " " + e.outcome().split(";")[0])
                .containsExactly("otto recipe-apply hello run " + runId + " started on local",
                        "otto recipe-apply hello run " + runId + " ok: changed=1 failed hosts=0");

        keys("Enter");
        awaitScreen("Recipes in ");
        keys("q");
        await().atMost(PATIENCE).until(() -> Files.exists(exit) && !Files.readString(exit).isBlank());
        assertThat(Files.readString(exit).strip()).isEqualTo("0");
    }

    private void keys(String... keys) throws Exception {
        var cmd = new ArrayList<>(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui"));
        cmd.addAll(List.of(keys));
        assertThat(run(cmd).exit()).isZero();
    }

    private void literal(String text) throws Exception {
        assertThat(run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "-l", text)).exit()).isZero();
    }

    private String capture() throws Exception {
        return run(List.of("tmux", "-L", tmux, "capture-pane", "-p", "-t", "ui")).out();
    }

    private void awaitScreen(String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(capture()).contains(text));
    }

    private void awaitGone(String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(capture()).doesNotContain(text));
    }

    private record Result(int exit, String out, String err) {}

    /** A process with its output in files, bounded by {@link #PATIENCE}. */
    private Result run(List<String> command) throws Exception {
        var out = Files.createTempFile(dir, "out", ".txt");
        var err = Files.createTempFile(dir, "err", ".txt");
        var p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("timed out: " + command);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
