package dev.vigil.cli;

import dev.vigil.control.ControlClient;
import java.io.IOException;
import java.util.List;

/**
 * Sends one operator verb to the local agent, which passes it to the coordinator, and prints the
 * outcome the coordinator reports once the cluster settled. Exit codes: 0 done as asked, 1 the
 * coordinator could not do it (the message says why), 2 bad usage or configuration, 3 no agent.
 */
final class AdminVerb {
    private AdminVerb() {}

    static int send(NodeOptions target, String verb, List<String> args) {
        ControlClient client = target.clientOrExplain();
        if (client == null) {
            return 2;
        }
        try {
            var outcome = client.admin(verb, args);
            if (outcome.ok()) {
                System.out.println(outcome.message());
                return 0;
            }
            System.err.println("vigil: " + outcome.message());
            return 1;
        } catch (IOException e) {
            System.err.println("vigil: " + e.getMessage());
            return 3;
        }
    }
}
