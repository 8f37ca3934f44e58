package dev.vigil.playbook.steps;


import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static dev.vigil.playbook.steps.StepTesting.assertNoChange;
import static dev.vigil.playbook.steps.StepTesting.ctx;
import static dev.vigil.playbook.steps.StepTesting.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code service}. This machine does not run systemd (no /run/systemd/system), and its
 * /etc/init.d is not a test's to change, so: the LSB path runs a real init script that the test
 * writes into a temp directory (the step's {@link ServiceStep.Layout} points there), with a
 * stand-in {@code update-rc.d} that makes the rc links there; the systemd path runs against a
 * stand-in {@code systemctl} on the PATH that follows systemctl's documented exit codes
 * (is-active 0 or 3, is-enabled 0 or 1), and the test checks the command sequence.
 */
class ServiceStepTest {
    @TempDir
    Path dir;

    Path calls;
    Path state;
    Host host;

    @BeforeEach
    void standIns() throws IOException {
        calls = dir.resolve("calls");
        state = Files.createDirectories(dir.resolve("state"));
        for (int n = 2; n <= 5; n++) Files.createDirectories(dir.resolve("rc" + n + ".d"));
        Path bin = dir.resolve("bin");
        StepTesting.script(bin, "update-rc.d", """
                cd %s || exit 1
                echo "update-rc.d $*" >>%s
                case $2 in
                  defaults) ls rc2.d | grep -q "$1\\$" || for n in 2 3 4 5; do ln -s ../init.d/$1 rc$n.d/S01$1; done ;;
                  enable) for n in 2 3 4 5; do [ -L rc$n.d/K01$1 ] && mv rc$n.d/K01$1 rc$n.d/S01$1; done; exit 0 ;;
                  disable) for n in 2 3 4 5; do [ -L rc$n.d/S01$1 ] && mv rc$n.d/S01$1 rc$n.d/K01$1; done; exit 0 ;;
                  *) exit 1 ;;
                esac
                """.formatted(dir, calls));
        StepTesting.script(bin, "systemctl", """
                s=%s; echo "systemctl $*" >>%s
                [ -f $s/$2.unit ] || { echo "Failed to get unit file state for $2.service: No such file or directory"; exit 1; }
                case $1 in
                  is-enabled) [ -f $s/$2.static ] && { echo static; exit 0; }; if [ -f $s/$2.enabled ]; then echo enabled; exit 0; fi; echo disabled; exit 1 ;;
                  is-active) if [ -f $s/$2.active ]; then echo active; exit 0; fi; echo inactive; exit 3 ;;
                  enable) touch $s/$2.enabled ;;
                  disable) rm -f $s/$2.enabled ;;
                  start|restart) touch $s/$2.active ;;
                  stop) rm -f $s/$2.active ;;
                  reload) [ -f $s/$2.active ] || { echo "$2.service is not active, cannot reload."; exit 1; } ;;
                esac
                """.formatted(state, calls));
        host = StepTesting.withPath(bin, false);
    }

    /** An LSB init script that keeps its state in a file and logs every action but status. */
    private void initScript(String name, String statusOverride) throws IOException {
        StepTesting.script(dir.resolve("init.d"), name, """
                s=%s/%s.running
                [ "$1" = status ] || echo "%s $1" >>%s
                case $1 in
                  start|restart) touch $s ;;
                  stop) rm -f $s ;;
                  reload) [ -f $s ] || exit 7 ;;
                  status) %s [ -f $s ] && exit 0; exit 3 ;;
                  *) exit 3 ;;
                esac
                """.formatted(state, name, name, calls, statusOverride));
    }

    private ServiceStep lsb() {
        return new ServiceStep(new ServiceStep.Layout(dir.resolve("no-systemd").toString(), dir.resolve("init.d").toString(), dir.toString()));
    }

    private ServiceStep systemd() {
        return new ServiceStep(new ServiceStep.Layout(state.toString(), "/nonexistent/init.d", dir.toString()));
    }

    private Step.Outcome run(ServiceStep s, boolean apply, String... kv) throws Exception {
        var p = new HashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
        return s.run(host, p, apply, ctx(dir));
    }

    private String takeCalls() throws IOException {
        String c = read(calls);
        Files.deleteIfExists(calls);
        return c;
    }

    @Test
    void lsbStartEnableThenStopDisableIdempotently() throws Exception {
        initScript("demo", "");
        var plan = run(lsb(), false, "name", "demo", "state", "started", "enabled", "true");
        assertThat(plan.changed()).isTrue();
        assertThat(plan.message()).isEqualTo("would enable, start demo");
        assertThat(takeCalls()).isEmpty();
        assertThat(Files.exists(state.resolve("demo.running"))).isFalse();

        assertThat(run(lsb(), true, "name", "demo", "state", "started", "enabled", "true").message()).isEqualTo("enabled, started demo");
        assertThat(takeCalls()).isEqualTo("update-rc.d demo defaults\nupdate-rc.d demo enable\ndemo start\n");
        assertThat(Files.isSymbolicLink(dir.resolve("rc2.d/S01demo"))).isTrue();
        var again = run(lsb(), true, "name", "demo", "state", "started", "enabled", "true");
        assertNoChange(again);
        assertThat(again.message()).isEqualTo("running, enabled (LSB)");
        assertThat(takeCalls()).isEmpty();

        // What the HA recipes ask: the cluster starts the service, not init.
        assertThat(run(lsb(), true, "name", "demo", "state", "stopped", "enabled", "false").message()).isEqualTo("disabled, stopped demo");
        assertThat(takeCalls()).isEqualTo("update-rc.d demo disable\ndemo stop\n");
        assertThat(dir.resolve("rc2.d/S01demo")).doesNotExist();
        assertNoChange(run(lsb(), true, "name", "demo", "state", "stopped", "enabled", "false"));
        assertThat(takeCalls()).isEmpty();
    }

    @Test
    void lsbEnabledAloneDoesNotAskTheScriptsStatus() throws Exception {
        // RabbitMQ's status boots an Erlang VM to ask the broker: a step about boot links only must not pay for it.
        initScript("broker", "echo status >>" + calls + "; exit 4;");
        assertThat(run(lsb(), true, "name", "broker", "enabled", "true").message()).isEqualTo("enabled broker");
        assertThat(takeCalls()).isEqualTo("update-rc.d broker defaults\nupdate-rc.d broker enable\n");
        var again = run(lsb(), true, "name", "broker", "enabled", "true");
        assertNoChange(again);
        assertThat(again.message()).isEqualTo("enabled (LSB)");
        assertThat(run(lsb(), false, "name", "broker", "enabled", "false").message()).isEqualTo("would disable broker");
        assertThat(takeCalls()).as("status was never run").isEmpty();
        assertThatThrownBy(() -> run(lsb(), false, "name", "broker", "state", "started", "enabled", "true"))
                .hasMessageEndingWith("broker status exited 4: it cannot tell whether broker runs");
    }

    @Test
    void lsbRestartedAndReloadedChangeEveryTime() throws Exception {
        initScript("demo", "");
        assertThat(run(lsb(), true, "name", "demo", "state", "reloaded").message()).isEqualTo("started demo"); // not running: started
        assertThat(run(lsb(), true, "name", "demo", "state", "reloaded").message()).isEqualTo("reloaded demo");
        assertThat(run(lsb(), true, "name", "demo", "state", "restarted").message()).isEqualTo("restarted demo");
        assertThat(run(lsb(), true, "name", "demo", "state", "restarted").changed()).isTrue();
        assertThat(run(lsb(), false, "name", "demo", "state", "restarted").message()).isEqualTo("would restart demo");
        assertThat(takeCalls()).isEqualTo("demo start\ndemo reload\ndemo restart\ndemo restart\n");
    }

    @Test
    void lsbFailures() throws Exception {
        var missing = run(lsb(), false, "name", "nosuch", "state", "started");
        assertThat(missing.changed()).isTrue();
        assertThat(missing.message()).isEqualTo("would start (no init script " + dir.resolve("init.d") + "/nosuch yet: a step before must install it)");
        assertThatThrownBy(() -> run(lsb(), true, "name", "nosuch", "state", "started"))
                .hasMessage("no init script " + dir.resolve("init.d") + "/nosuch");

        initScript("unsure", "exit 4;");
        assertThatThrownBy(() -> run(lsb(), false, "name", "unsure", "state", "started"))
                .hasMessageEndingWith("unsure status exited 4: it cannot tell whether unsure runs");

        initScript("broken", "");
        Files.writeString(dir.resolve("init.d/broken"), Files.readString(dir.resolve("init.d/broken"))
                .replace("start|restart) touch $s ;;", "start|restart) echo 'cannot bind port 80'; exit 1 ;;"));
        assertThatThrownBy(() -> run(lsb(), true, "name", "broken", "state", "started"))
                .hasMessage("start: exit code 1: cannot bind port 80");
    }

    @Test
    void systemdCommandSequence() throws Exception {
        Files.createFile(state.resolve("web.unit"));
        assertThat(run(systemd(), false, "name", "web", "state", "started", "enabled", "true").message()).isEqualTo("would enable, start web");
        assertThat(takeCalls()).isEqualTo("systemctl is-enabled web\nsystemctl is-active web\n");

        assertThat(run(systemd(), true, "name", "web", "state", "started", "enabled", "true").message()).isEqualTo("enabled, started web");
        assertThat(takeCalls()).isEqualTo("systemctl is-enabled web\nsystemctl is-active web\nsystemctl enable web\nsystemctl start web\n");
        var again = run(systemd(), true, "name", "web", "state", "started", "enabled", "true");
        assertNoChange(again);
        assertThat(again.message()).isEqualTo("running, enabled");
        takeCalls();

        assertThat(run(systemd(), true, "name", "web", "state", "reloaded").message()).isEqualTo("reloaded web");
        assertThat(takeCalls()).endsWith("systemctl reload web\n");
        assertThat(run(systemd(), true, "name", "web", "enabled", "false", "state", "stopped").message()).isEqualTo("disabled, stopped web");
        assertThat(takeCalls()).endsWith("systemctl disable web\nsystemctl stop web\n");
        assertNoChange(run(systemd(), true, "name", "web", "enabled", "false", "state", "stopped"));
        assertNoChange(run(systemd(), true, "name", "web", "enabled", "false"));
    }

    @Test
    void systemdStaticUnitsAreNotEnabledOrDisabled() throws Exception {
        Files.createFile(state.resolve("helper.unit"));
        Files.createFile(state.resolve("helper.static"));
        var o = run(systemd(), true, "name", "helper", "enabled", "false");
        assertNoChange(o);
        assertThat(o.message()).isEqualTo("stopped, enabled (helper is static: enabled is not for it to change)");
        assertThat(takeCalls()).doesNotContain("disable");
    }

    @Test
    void lsbWithoutUpdateRcdFailsClearly() throws Exception {
        initScript("demo", "");
        Host bare = StepTesting.withPath(dir.resolve("nothing"), true);
        assertThatThrownBy(() -> lsb().run(bare, Map.of("name", "demo", "enabled", "true"), true, ctx(dir)))
                .hasMessage("enable: exit code 1: update-rc.d not found: cannot enable the service at boot");
    }

    @Test
    void systemdUnknownUnit() throws Exception {
        assertThat(run(systemd(), false, "name", "ghost", "state", "stopped").message())
                .isEqualTo("would stop (no systemd unit ghost yet: a step before must install it)");
        assertThatThrownBy(() -> run(systemd(), true, "name", "ghost", "state", "stopped")).hasMessage("no systemd unit ghost");
    }

    @Test
    void thisMachineTakesTheLsbPath() throws Exception {
        // No systemd here: the default layout asks /etc/init.d (apache2's script exists on this machine).
        assertThat(Files.isDirectory(Path.of("/run/systemd/system"))).isFalse();
        var o = new ServiceStep().run(new LocalHost("local"), Map.of("name", "vigil-no-such-service", "state", "started"), false, ctx(dir));
        assertThat(o.message()).contains("no init script /etc/init.d/vigil-no-such-service yet");
    }

    @Test
    void badParameters() throws Exception {
        assertThatThrownBy(() -> run(lsb(), false, "name", "a b", "state", "started")).hasMessage("`name` must be a service name, got 'a b'");
        assertThatThrownBy(() -> run(lsb(), false, "name", "x", "state", "running"))
                .hasMessage("`state` must be started, stopped, restarted or reloaded, got 'running'");
        assertThatThrownBy(() -> run(lsb(), false, "name", "x", "enabled", "yes")).hasMessage("`enabled` must be true or false, got 'yes'");
        assertThatThrownBy(() -> run(lsb(), false, "name", "x")).hasMessage("`service` needs `state` or `enabled`");
        assertThat(StepTesting.checkErrors(dir, """
                  - service: {name: apache2, state: start, enabled: no}
                  - service: {name: "x;y"}
                """)).containsExactly(
                "3:37: `state` must be started, stopped, restarted or reloaded, got 'start'; did you mean 'started'?",
                "3:53: `enabled` must be true or false, got 'no'",
                "4:5: `service` needs `state` (started, stopped, restarted, reloaded) or `enabled`, or both",
                "4:21: `name` must be a service name, got 'x;y'");
    }
}
