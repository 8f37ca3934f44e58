package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentEntryTest {
    @TempDir
    Path dir;

    private static AgentCommand picocli(String... args) {
        var cli = new CommandLine(new VigilCommand());
        var parsed = cli.parseArgs(args);
        return (AgentCommand) parsed.subcommand().commandSpec().userObject();
    }

    private static List<Object> fields(AgentCommand c) {
        return List.of(c.config, c.node, c.socket, c.stateDir, c.noRealtime);
    }

    @Test
    void plainCommandLinesParseAsPicocliParsesThem() {
        for (var args : List.of(
                new String[] {"agent"},
                new String[] {"agent", "--config", "/etc/vigil/web.yaml", "--node", "ha1"},
                new String[] {"agent", "--config=/tmp/c.yaml", "--node=ha2", "--socket=/run/x.sock", "--state-dir=/var/s"},
                new String[] {"agent", "--no-realtime", "--state-dir", "/var/lib/vigil/s", "--socket", "rel/a b.sock"},
                new String[] {"agent", "--node", "n=1"})) {
            var ours = AgentEntry.parse(args);
            assertThat(ours).as(String.join(" ", args)).isPresent();
            assertThat(fields(ours.get())).as(String.join(" ", args)).isEqualTo(fields(picocli(args)));
        }
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        for (var args : List.of(
                new String[] {},
                new String[] {"status"},
                new String[] {"agent", "--help"},
                new String[] {"agent", "-h"},
                new String[] {"agent", "--version"},
                new String[] {"agent", "--node"},
                new String[] {"agent", "--node", "ha1", "--node", "ha2"},
                new String[] {"agent", "--node", "--socket", "/x"},
                new String[] {"agent", "--node="},
                new String[] {"agent", "--no-realtime=true"},
                new String[] {"agent", "--connect", "10.0.0.1:7695"},
                new String[] {"agent", "--bogus"},
                new String[] {"agent", "@args.txt"},
                new String[] {"agent", "--config", "@args.txt"},
                new String[] {"agent", "--", "--node", "x"},
                new String[] {"agent", "extra"},
                new String[] {"agent", "--config", "a\0b"})) {
            assertThat(AgentEntry.parse(args)).as(String.join(" ", args)).isEmpty();
        }
    }

    @Test
    void knowsEveryOptionOfTheAgentVerb() {
        // A new option of `vigil agent` must be taught to AgentEntry, or plain command lines with it
        // fall back to picocli (correct, but the agent then carries picocli again).
        var spec = new CommandLine(new VigilCommand()).getSubcommands().get("agent").getCommandSpec();
        Set<String> names = new HashSet<>();
        spec.options().forEach(o -> names.addAll(List.of(o.names())));
        names.removeAll(Set.of("-h", "--help", "-V", "--version", "--connect"));
        assertThat(names).isEqualTo(AgentEntry.OPTIONS);
    }

    @Test
    void aFailureLooksAsItDidThroughPicocli() throws Exception {
        var bad = dir.resolve("cluster.yaml");
        Files.writeString(bad, "cluster: [\n");
        String[] args = {"agent", "--config", bad.toString(), "--node", "ha1"};
        var viaPicocli = capture(() -> VigilCommand.run(args));
        var direct = capture(() -> AgentEntry.run(AgentEntry.parse(args).orElseThrow()));
        assertThat(direct).isEqualTo(viaPicocli);
        assertThat(direct.code).isEqualTo(2);
        assertThat(direct.err).contains("not starting");

        // An exception out of the command: picocli's handler printed "vigil: message", exit 2.
        var good = dir.resolve("good.yaml");
        Files.writeString(dir.resolve("authkey"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(dir.resolve("authkey"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(good, """
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                links:
                  - {type: udp, mode: unicast, port: 694}
                """);
        String[] unknownNode = {"agent", "--config", good.toString(), "--node", "nosuch", "--state-dir", dir.resolve("s").toString()};
        var p = capture(() -> VigilCommand.run(unknownNode));
        var d = capture(() -> AgentEntry.run(AgentEntry.parse(unknownNode).orElseThrow()));
        assertThat(d).isEqualTo(p);
        assertThat(d.code).isEqualTo(2);
        assertThat(d.err).startsWith("vigil: ");
    }

    private record Outcome(int code, String out, String err) {}

    private interface Run {
        int run() throws Exception;
    }

    private static Outcome capture(Run run) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out, savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = run.run();
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }
}
