package dev.vigil.cli;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The three requests the operator's side makes of an agent. The command line on a node and the
 * SSH console both go through this, so the console can be pointed at the local Unix socket today
 * and at an agent's TCP control port tomorrow without the verbs noticing.
 */
public interface AgentConnection {
    StatusReport status() throws IOException;

    /** An operator verb; returns once the coordinator reports the outcome. */
    AdminOutcome admin(String verb, List<String> args) throws IOException;

    /** A new cluster file's text; returns once the cluster runs it, or says why not. */
    AdminOutcome applyConfig(String text) throws IOException;

    /** The cluster file the agent runs, as distributed ({@code vigil config show}). */
    default String runningConfig() throws IOException {
        throw new IOException("this connection cannot fetch the running configuration");
    }

    /** The operations, fences and events the agent keeps ({@code vigil history}). */
    default dev.vigil.control.HistoryReport history() throws IOException {
        throw new IOException("this connection cannot fetch the cluster history");
    }

    /** Over any {@link ControlClient}, whichever transport it was built for. */
    static AgentConnection over(ControlClient client) {
        Objects.requireNonNull(client);
        return new AgentConnection() {
            @Override
            public StatusReport status() throws IOException {
                return client.status();
            }

            @Override
            public AdminOutcome admin(String verb, List<String> args) throws IOException {
                return client.admin(verb, args);
            }

            @Override
            public AdminOutcome applyConfig(String text) throws IOException {
                return client.applyConfig(text);
            }

            @Override
            public String runningConfig() throws IOException {
                return client.runningConfig();
            }

            @Override
            public dev.vigil.control.HistoryReport history() throws IOException {
                return client.history();
            }
        };
    }
}
