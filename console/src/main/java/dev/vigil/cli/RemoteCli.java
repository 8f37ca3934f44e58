package dev.vigil.cli;

import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Permissions;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import dev.vigil.ssh.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The {@code vigil} verbs as an SSH user of {@code vigil console} runs them
 * ({@code ssh -p 2222 admin@host vigil status --json}): the same picocli commands as on a node,
 * in-process, with output to the channel and the exit status back to the client. Differences,
 * all for safety: every verb reaches the console's agent (options naming sockets, nodes or files
 * on the console's host are refused); verbs that start daemons or read the host's files are not
 * offered; the operator's role is checked against {@link Permissions} before a verb runs, and
 * every verb that changes something is written to the audit log with its outcome, refusals too.
 */
public final class RemoteCli implements CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(RemoteCli.class);

    /** Verbs that start processes or read the console host's files: not for SSH users. */
    private static final Set<String> LOCAL_ONLY = Set.of("agent", "serial-test", "run-agent", "console", "playbook", "drill", "install", "uninstall",
            "import", "arbitrator");
    private static final List<String> HOST_OPTIONS = List.of("--socket", "--node", "--config");
    /** {@code vigil config} verbs not offered over SSH, and why. */
    private static final java.util.Map<String, String> NOT_OVER_SSH_CONFIG = java.util.Map.of(
            "check", "it reads a file on the console's host; run `vigil config check FILE` where the file is, "
                    + "or send it with `vigil config apply - < FILE`, which checks it first",
            "show", "the cluster file may hold fence devices' passwords; run `vigil config show` on a node");

    /** Why a verb is not offered over SSH, for the verbs that are not; empty for the others. */
    static Optional<String> notOffered(List<String> args) {
        String verb = args.get(0);
        if (LOCAL_ONLY.contains(verb)) {
            return Optional.of("`vigil " + verb + "` is not offered over the console: it starts processes or reads files "
                    + "on the console's host; run it on the node itself");
        }
        if (verb.equals("config") && args.size() > 1 && NOT_OVER_SSH_CONFIG.containsKey(args.get(1))) {
            return Optional.of("`vigil config " + args.get(1) + "` is not offered over the console: "
                    + NOT_OVER_SSH_CONFIG.get(args.get(1)));
        }
        return Optional.empty();
    }

    private final AgentConnection agent;
    private final AuditLog audit;

    public RemoteCli(AgentConnection agent, AuditLog audit) {
        this.agent = agent;
        this.audit = audit;
    }

    /**
     * Runs one command line for {@code who}; a leading {@code vigil} is optional.
     *
     * @return the exit status: the verb's own, 1 when the role does not allow it, 2 for bad usage
     */
    @Override
    public int run(Operator who, List<String> words, InputStream in, PrintWriter out, PrintWriter err) {
        var args = new ArrayList<>(words);
        if (!args.isEmpty() && args.get(0).equals("vigil")) {
            args.remove(0);
        }
        try {
            if (args.isEmpty()) {
                err.println("vigil: give a verb, e.g. `vigil status`; `vigil help` lists them "
                        + "(for the text UI, connect without a command)");
                return 2;
            }
            var notHere = notOffered(args);
            if (notHere.isPresent()) {
                // said plainly, rather than picocli's "Unmatched arguments" for a verb it was never given
                err.println("vigil: " + notHere.get());
                return 2;
            }
            var cli = new CommandLine(new VigilCommand(new Audited(agent, audit, who), in));
            LOCAL_ONLY.forEach(v -> cli.getCommandSpec().removeSubcommand(v));
            NOT_OVER_SSH_CONFIG.keySet().forEach(v -> cli.getSubcommands().get("config").getCommandSpec().removeSubcommand(v));
            cli.setOut(out);
            cli.setErr(err);
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                cmd.getErr().println("vigil: " + e.getMessage());
                return 2;
            });
            cli.setExecutionStrategy(parsed -> execute(who, parsed, err));
            return cli.execute(args.toArray(String[]::new));
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int execute(Operator who, ParseResult parsed, PrintWriter err) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        for (var level = parsed; level != null; level = level.subcommand()) {
            for (String option : HOST_OPTIONS) {
                if (level.hasMatchedOption(option)) {
                    err.println("vigil: " + option + " is not available over the console: every verb reaches the console's agent");
                    return 2;
                }
            }
        }
        var verb = permissionVerb(parsed);
        if (verb.isPresent()) {
            var why = Permissions.refusal(who, verb.get());
            if (why.isPresent()) {
                // as the verb would have been sent: maintenance takes no arguments, its on|off is in the verb
                String target = verb.get().startsWith("maintenance-") ? "" : String.join(" ", positionals(leaf(parsed)));
                record(who, verb.get(), target, "refused: " + why.get());
                log.warn("console: refused {} {} for {} ({}): {}", verb.get(), target, who.user(), who.keyFingerprint(), why.get());
                err.println("vigil: refused: " + why.get());
                return 1;
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** The verb as {@link Permissions} names it, for the verbs that change something. */
    static Optional<String> permissionVerb(ParseResult parsed) {
        var path = new ArrayList<String>();
        for (var level = parsed.subcommand(); level != null; level = level.subcommand()) {
            path.add(level.commandSpec().name());
        }
        if (path.isEmpty()) {
            return Optional.empty();
        }
        return switch (path.get(0)) {
            case "resource", "node" -> path.size() > 1 ? Optional.of(path.get(1)) : Optional.empty();
            case "maintenance" -> Optional.of("maintenance-" + String.join("", positionals(leaf(parsed))));
            case "config" -> path.size() > 1 && path.get(1).equals("apply") ? Optional.of("config-apply") : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static ParseResult leaf(ParseResult parsed) {
        var leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        return leaf;
    }

    private static List<String> positionals(ParseResult leaf) {
        var out = new ArrayList<String>();
        leaf.matchedPositionals().forEach(p -> out.addAll(p.stringValues()));
        return out;
    }

    private void record(Operator who, String action, String target, String outcome) {
        try {
            audit.record(who, action, target, outcome);
        } catch (IOException e) {
            log.error("console: cannot write the audit log: {} ({} {} by {}: {})", e.getMessage(), action, target,
                    who.user(), outcome);
        }
    }

    /** The console's agent, with every change and its outcome written to the audit log. */
    private static final class Audited implements AgentConnection {
        private final AgentConnection agent;
        private final AuditLog audit;
        private final Operator who;

        Audited(AgentConnection agent, AuditLog audit, Operator who) {
            this.agent = agent;
            this.audit = audit;
            this.who = who;
        }

        @Override
        public StatusReport status() throws IOException {
            return agent.status();
        }

        @Override
        public dev.vigil.control.HistoryReport history() throws IOException {
            return agent.history();
        }

        @Override
        public AdminOutcome admin(String verb, List<String> args) throws IOException {
            return recorded(verb, String.join(" ", args), () -> agent.admin(verb, args));
        }

        @Override
        public AdminOutcome applyConfig(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            String target = "cluster file sha256:" + sha256(bytes).substring(0, 16) + " (" + bytes.length + " bytes)";
            return recorded("config-apply", target, () -> agent.applyConfig(text));
        }

        private interface Request {
            AdminOutcome send() throws IOException;
        }

        private AdminOutcome recorded(String action, String target, Request request) throws IOException {
            AdminOutcome outcome;
            try {
                outcome = request.send();
            } catch (IOException | RuntimeException e) {
                write(action, target, "error: " + e.getMessage());
                throw e;
            }
            write(action, target, (outcome.ok() ? "ok: " : "failed: ") + outcome.message());
            return outcome;
        }

        private void write(String action, String target, String outcome) throws IOException {
            // an unrecorded change is worse than a failed request: the caller sees the error
            audit.record(who, action, target, outcome);
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}
