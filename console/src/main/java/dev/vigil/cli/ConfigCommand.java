package dev.vigil.cli;

import dev.vigil.config.BoundedFile;
import dev.vigil.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vigil config}: work with the cluster file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check, apply or show the cluster file.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Apply.class, ConfigCommand.Show.class})
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a cluster file; print every error as file:line:column.",
                    "Also looks for every resource's agent on this node: a missing ocf:vigil agent (Vigil's own, shipped "
                            + "with it to every node) is an error; a missing lsb, heartbeat or other OCF agent a warning, "
                            + "as it may be installed only on the nodes that run it. systemd units are not looked for."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:valid (warnings may be printed)", "1:errors, each printed", "2:bad usage"})
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the cluster file")
        Path file;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var errors = new java.util.ArrayList<String>();
            ConfigLoader.check(file).forEach(e -> errors.add(String.valueOf(e)));
            if (errors.isEmpty()) {
                errors.addAll(drillScheduleErrors(file));
            }
            if (errors.isEmpty()) {
                errors.addAll(agentProblems(file, err));
            }
            if (errors.isEmpty()) {
                out.println(file + ": OK");
                return 0;
            }
            errors.forEach(e -> err.println(e));
            err.println(errors.size() + " error(s)");
            return 1;
        }

        /**
         * The {@code drills:} section read as the drill runner reads it (the agent only carries it),
         * each mistake at file:line:column; its entries' drills checked against {@code drills.yaml}
         * next to the file when that exists and reads.
         */
        static java.util.List<String> drillScheduleErrors(Path file) {
            var parent = file.toAbsolutePath().getParent();
            var drills = parent == null ? null : parent.resolve("drills.yaml");
            java.util.Optional<java.util.Collection<String>> known = java.util.Optional.empty();
            if (drills != null && java.nio.file.Files.exists(drills)) {
                var r = dev.vigil.drill.DrillReader.read(drills);
                if (r.ok()) known = java.util.Optional.of(r.drills().stream().map(dev.vigil.drill.Drill::name).toList());
            }
            return dev.vigil.drill.schedule.ScheduleReader.read(file, known).errors().stream().map(String::valueOf).toList();
        }

        /** Errors for missing ocf:vigil agents; warnings (printed here) for other missing scripts. */
        static java.util.List<String> agentProblems(Path file, java.io.PrintWriter err) {
            dev.vigil.config.ClusterConfig config;
            try {
                config = ConfigLoader.load(file);
            } catch (dev.vigil.config.ConfigException e) {
                return java.util.List.of(); // reported by check already
            }
            Path scripts = dev.vigil.agent.AgentOptions.defaultScriptsDir();
            var settings = dev.vigil.resources.ExecutorSettings.defaults(scripts.resolve("ocf").resolve("vigil"));
            boolean installed = java.nio.file.Files.isDirectory(settings.vigilScriptsDir());
            var problems = new java.util.ArrayList<String>();
            for (var r : config.resources().resources()) {
                var agent = r.agent();
                if (agent.resourceClass() == dev.vigil.model.ResourceClass.SYSTEMD) continue;
                Path script = dev.vigil.resources.ResourceExecutor.scriptPath(agent, settings);
                if (java.nio.file.Files.isExecutable(script)) continue;
                boolean own = agent.resourceClass() == dev.vigil.model.ResourceClass.OCF && agent.provider().equals("vigil");
                String hint = "";
                var dir = script.getParent();
                if (dir != null && java.nio.file.Files.isDirectory(dir)) {
                    try (var names = java.nio.file.Files.list(dir)) {
                        hint = dev.vigil.coordination.Suggest.closest(agent.type(),
                                names.map(p -> p.getFileName().toString()).toList())
                                .map(t -> "; did you mean " + agent.toString().replace(agent.type(), t) + "?").orElse("");
                    } catch (java.io.IOException e) {
                        hint = "";
                    }
                }
                String what = file + ": resource " + r.id() + ": agent " + agent + " does not exist on this node (no "
                        + script + ")" + hint;
                if (own && installed) {
                    problems.add(what);
                } else {
                    err.println("warning: " + what + (own ? " (Vigil's scripts are not installed here)" : ""));
                }
            }
            return problems;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the cluster file the cluster runs: the local agent's, as distributed by `vigil config apply` "
                    + "(which may be newer than the file on this node's disk), like `crm configure show`."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:printed", "2:bad usage or no cluster file to find the agent by", "3:no agent answers"})
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        NodeOptions agent;

        @Override
        public Integer call() {
            var connection = agent.connectionOrExplain();
            if (connection == null) {
                return 2;
            }
            try {
                agent.out().print(connection.runningConfig());
                return 0;
            } catch (java.io.IOException e) {
                agent.err().println("vigil: " + e.getMessage());
                return 3;
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Validate FILE, then make it the cluster's configuration: the local agent adopts it and "
                    + "distributes it to every member; returns once all run it.",
                    "FILE must carry a higher `version:` than the running one. Resources, groups, constraints, "
                    + "policy, fencing and ping take effect at once; nodes, links, timing and key at each agent's restart."})
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the new cluster file; under `vigil console`, `-` (the file on stdin)")
        Path file;

        @picocli.CommandLine.Mixin
        NodeOptions agent;

        @Override
        public Integer call() throws java.io.IOException {
            var out = agent.out();
            var err = agent.err();
            String text;
            if (VigilCommand.consoleAgent(agent.mixee).isPresent()) {
                // Over SSH the file is the operator's, not one on the console's host: it comes on stdin,
                // and the agent that adopts it checks it and names every error.
                if (!file.toString().equals("-")) {
                    err.println("vigil: over the console the file comes on stdin: "
                            + "ssh ... vigil config apply - < " + file.getFileName());
                    return 2;
                }
                try {
                    text = BoundedFile.readText(VigilCommand.consoleInput(agent.mixee), BoundedFile.CLUSTER_FILE_LIMIT,
                            "the file on stdin", "cluster file");
                } catch (BoundedFile.Refused e) {
                    err.println("vigil: " + e.getMessage() + "; nothing applied");
                    return 1;
                }
            } else {
                var errors = new java.util.ArrayList<Object>(ConfigLoader.check(file));
                if (errors.isEmpty()) errors.addAll(Check.drillScheduleErrors(file));
                if (!errors.isEmpty()) {
                    errors.forEach(e -> err.println(e));
                    err.println("vigil: " + errors.size() + " error(s); nothing applied");
                    return 1;
                }
                if (agent.socket.isEmpty() && agent.config.equals(dev.vigil.agent.AgentOptions.DEFAULT_CONFIG)) {
                    agent.config = file; // find the local agent, or the key for --connect, through the new file itself
                }
                try {
                    // The same bounded read as the check above: the file may have changed in between.
                    text = BoundedFile.readText(file, BoundedFile.CLUSTER_FILE_LIMIT, "cluster file");
                } catch (java.io.IOException e) {
                    err.println("vigil: cannot read " + file + ": " + e.getMessage() + "; nothing applied");
                    return 1;
                }
            }
            var connection = agent.connectionOrExplain();
            if (connection == null) {
                return 2;
            }
            try {
                var outcome = connection.applyConfig(text);
                (outcome.ok() ? out : err).println((outcome.ok() ? "" : "vigil: ") + outcome.message());
                return outcome.ok() ? 0 : 1;
            } catch (java.io.IOException e) {
                err.println("vigil: " + e.getMessage());
                return 3;
            }
        }
    }
}
