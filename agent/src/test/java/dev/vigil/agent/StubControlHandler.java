package dev.vigil.agent;

import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.util.List;

/** A control handler that answers nothing: the tests of the resource agents' tools override the op they call. */
class StubControlHandler implements ControlHandler {
    @Override
    public StatusReport status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ControlProtocol.AdminOutcome applyConfig(String text) {
        throw new UnsupportedOperationException();
    }
}
