package dev.vigil.cli;

import dev.vigil.config.Durations;
import dev.vigil.model.ResourceAgentRef;
import dev.vigil.resources.Action;
import dev.vigil.resources.ExecutorSettings;
import dev.vigil.resources.OperationRequest;
import dev.vigil.resources.OperationResult;
import dev.vigil.resources.ResourceExecutor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code vigil run-agent}: one operation of one resource agent, run here and now through the
 * same executor the daemon uses (Pacemaker's {@code crm_resource --force-start}). Nothing is
 * asked of the cluster; it is how tests and operators drive an agent on one node.
 */
@Command(name = "run-agent", mixinStandardHelpOptions = true,
        description = {"Run one resource-agent operation locally through Vigil's executor and print the result.",
                "Exit code: the agent's own exit code (OCF: 0 ok, 7 not running, ...); 1 when it timed out."},
        footer = {"", "Example: vigil run-agent ocf:heartbeat:IPaddr2 start -p ip=10.0.0.50 -p cidr_netmask=24"})
final class RunAgentCommand implements Callable<Integer> {
    /** How much of each output stream is printed: enough for the agent's last complaints. */
    static final int PRINTED_TAIL_LINES = 20;

    @Parameters(index = "0", paramLabel = "AGENT", description = "e.g. ocf:heartbeat:IPaddr2, ocf:vigil:apache, lsb:apache2")
    String agent;

    @Parameters(index = "1", paramLabel = "ACTION", description = "start, stop, monitor, probe, meta-data or validate-all")
    String action;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a resource parameter (OCF_RESKEY_KEY); repeatable")
    List<String> params = List.of();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "kill the agent's process group after this long (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--scripts", paramLabel = "DIR",
            description = "where Vigil's own agents (provider vigil) are; default: the distribution's resource-scripts/ocf/vigil")
    Optional<Path> scripts;

    @Option(names = "--ocf-root", paramLabel = "DIR", defaultValue = "/usr/lib/ocf",
            description = "OCF_ROOT for other providers (default ${DEFAULT-VALUE})")
    Path ocfRoot;

    @Option(names = "--id", paramLabel = "NAME",
            description = "resource instance name (OCF_RESOURCE_INSTANCE); default: the agent type in lower case")
    Optional<String> id;

    @Override
    public Integer call() throws IOException {
        ResourceAgentRef ref;
        Action act;
        Map<String, String> parameters;
        try {
            ref = ResourceAgentRef.parse(agent);
            act = parseAction(action);
            parameters = parseParams(params);
        } catch (IllegalArgumentException e) {
            System.err.println("vigil run-agent: " + e.getMessage());
            return 2;
        }
        var settings = ExecutorSettings.defaults(scripts.orElseGet(RunAgentCommand::distributionScripts)).withOcfRoot(ocfRoot);
        // The daemon creates HA_RSCTMP at start; a one-off run must too, or agents keeping state
        // there (Dummy, IPaddr2's send_arp pidfile) fail on a fresh node.
        Files.createDirectories(settings.rscTmpDir());
        var request = OperationRequest.of(id.orElse(ref.type().toLowerCase(Locale.ROOT)), ref, act, parameters, timeout);
        OperationResult result;
        try (var executor = new ResourceExecutor(settings)) {
            result = executor.execute(request);
        }
        print(ref, act, result, System.out);
        return exitCode(result);
    }

    /** The agent's own code when it ran to the end; else the outcome's OCF code; 1 for a timeout. */
    static int exitCode(OperationResult result) {
        if (result.exitCode().isPresent()) {
            return result.exitCode().getAsInt();
        }
        return result.outcome().ocfCode().orElse(1);
    }

    static void print(ResourceAgentRef ref, Action act, OperationResult r, PrintStream out) {
        out.printf("agent: %s %s%n", ref, act == Action.PROBE ? "probe" : act.ocfName());
        out.printf("outcome: %s%n", r.outcome());
        out.printf("exit code: %s%n", r.exitCode().isPresent() ? Integer.toString(r.exitCode().getAsInt()) : "none");
        out.printf("exit reason: %s%n", r.exitReason().orElse(""));
        out.printf("duration: %d ms%n", r.duration().toMillis());
        printTail("stdout", r.stdoutTail(), out);
        printTail("stderr", r.stderrTail(), out);
    }

    private static void printTail(String name, String text, PrintStream out) {
        if (text.isBlank()) {
            return;
        }
        var lines = text.strip().split("\n");
        int from = Math.max(0, lines.length - PRINTED_TAIL_LINES);
        out.printf("--- %s (last %d lines)%n", name, lines.length - from);
        for (int i = from; i < lines.length; i++) {
            out.println(lines[i]);
        }
    }

    static Action parseAction(String text) {
        var t = text.toLowerCase(Locale.ROOT);
        if (t.equals("probe")) {
            return Action.PROBE;
        }
        if (t.equals("status")) {
            return Action.MONITOR;
        }
        return Arrays.stream(Action.values())
                .filter(a -> a != Action.PROBE && a.ocfName().equals(t))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown action '" + text
                        + "' (known: start, stop, monitor, status, probe, meta-data, validate-all)"));
    }

    static Map<String, String> parseParams(List<String> raw) {
        var map = new LinkedHashMap<String, String>();
        for (var p : raw) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("parameter '" + p + "' is not KEY=VALUE");
            }
            var key = p.substring(0, eq);
            if (map.put(key, p.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("parameter " + key + " given twice");
            }
        }
        return map;
    }

    private static Path distributionScripts() {
        var home = System.getProperty("vigil.home");
        if (home == null) {
            throw new IllegalStateException("vigil.home is not set (run through bin/vigil) and --scripts was not given");
        }
        return Path.of(home, "resource-scripts", "ocf", "vigil");
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            var d = Durations.parse(value).orElseThrow(() ->
                    new TypeConversionException("'" + value + "' is not a duration like 500ms, 20s or 2m"));
            if (d.isZero() || d.isNegative()) {
                throw new TypeConversionException("the timeout must be positive, got " + value);
            }
            return d;
        }
    }
}
