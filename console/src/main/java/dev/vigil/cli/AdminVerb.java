package dev.vigil.cli;

import dev.vigil.control.ControlProtocol;
import java.io.IOException;
import java.util.List;

/**
 * Sends one operator verb to the local agent, which passes it to the coordinator, and prints the
 * outcome the coordinator reports once the cluster settled. Exit codes: 0 done as asked, 1 the
 * coordinator could not do it (the message says why), 2 bad usage or configuration, 3 no agent.
 */
final class AdminVerb {
    private AdminVerb() {}

    // For every verb's --help (annotation values must be constants, hence one per line).
    static final String EXIT_HEADING = "%nExit codes:%n";
    static final String EXIT_0 = "0:done as asked, or nothing to do (the message says which)";
    static final String EXIT_1 = "1:the cluster could not do it; the message says why";
    static final String EXIT_2 = "2:bad usage, or no cluster file to find the agent by";
    static final String EXIT_3 = "3:no agent answers";

    static int send(NodeOptions target, String verb, List<String> args) {
        AgentConnection agent = target.connectionOrExplain();
        if (agent == null) {
            return 2;
        }
        try {
            ControlProtocol.AdminOutcome outcome;
            try (var spinner = WaitSpinner.start(agent, target.err(), target.overConsole())) {
                outcome = agent.admin(verb, args);
            }
            if (outcome.ok()) {
                target.out().println(outcome.message());
                return 0;
            }
            target.err().println("vigil: " + outcome.message());
            return 1;
        } catch (IOException e) {
            target.err().println("vigil: " + e.getMessage());
            return 3;
        }
    }
}
