package dev.vigil.control;

import java.util.List;

/** What the agent offers over its control socket. */
public interface ControlHandler {
    StatusReport status();

    /**
     * Passes an operator verb to the coordinator and waits for the outcome. Blocks for as long
     * as the cluster needs to settle (bounded by the coordinator's deadline).
     */
    ControlProtocol.AdminOutcome admin(String verb, List<String> args);

    /** {@code vigil config apply}: validate, adopt and distribute; answers once every member runs it. */
    ControlProtocol.AdminOutcome applyConfig(String text);

    /**
     * {@code vigil config show}: the cluster file this agent runs (the distributed one, which may be
     * newer than the file on its disk), as text; null where there is none to show (test doubles).
     */
    default String runningConfig() {
        return null;
    }

    /**
     * {@code vigil history}: the operations, fences and events this agent's cluster history holds
     * (kept across console reconnects and agent restarts); null where there is none (test doubles).
     */
    default HistoryReport history() {
        return null;
    }

    /**
     * {@code serial-test}: one end of the setup wizard's serial link test ({@code verb} send, echo or
     * progress; {@code args} device, baud, duration). Answers at once: a test runs on a thread of its
     * own and is polled with {@code progress}. Null where the agent has none (test doubles).
     */
    default SerialTestReport serialTest(String verb, List<String> args) throws Refused {
        return null;
    }

    /**
     * Op {@code key}: {@code rotate} (text: the new key, base64) makes this agent rotate the whole
     * cluster's key; {@code stage}, {@code switch}, {@code retire}, {@code unstage} are the steps it
     * asks of each member; {@code show} reports the key in use. Null where there is no key ring (test doubles).
     */
    default KeyReport key(String verb, String text) throws Refused {
        return null;
    }

    /**
     * {@code attribute}: what Vigil's {@code crm_attribute} and {@code crm_master} ask (docs/promotable.md):
     * {@code verb} get, set or delete; {@code args} scope (nodes or crm_config), node, name, lifetime
     * (reboot, forever or "" for the default), and for set the value. Answers the value for get
     * (Refused starting with {@link #NOT_FOUND} when there is none) and "" after a write.
     */
    default String attribute(String verb, List<String> args) throws Refused {
        throw new Refused("this agent keeps no node attributes (its cluster file has no resources)");
    }

    /** How a refused {@code attribute} get starts when the attribute is not set: crm_attribute exits 105 then. */
    String NOT_FOUND = "not found: ";

    /** A request the agent will not run, with why (sent back as the error). */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The drill reports this agent keeps for the cluster (op {@code drill-reports}); null where there are none (test doubles). */
    default DrillReportShelf drillReports() {
        return null;
    }
}
