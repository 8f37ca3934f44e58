package dev.vigil.control;

import java.io.IOException;
import java.util.List;

/** What both control servers (Unix socket and TCP) do with one request, so they cannot drift apart. */
final class ControlDispatch {
    static final String EVENTS = "events";
    private static final String KNOWN =
            "status, history, admin, config-apply, config-show, serial-test, drill-reports, key, attribute, crm_mon, events";

    private final ControlHandler handler;

    ControlDispatch(ControlHandler handler) {
        this.handler = handler;
    }

    /** A parsed request, or the error answer to send instead. */
    sealed interface Parsed {
        record Ok(ControlProtocol.Request request) implements Parsed {}

        record Bad(ControlProtocol.Response<?> answer) implements Parsed {}
    }

    Parsed parse(byte[] data) {
        ControlProtocol.Request request;
        try {
            request = ControlJson.readRequest(data);
        } catch (IOException e) {
            return new Parsed.Bad(error("malformed request: expected {\"op\": \"status\"}"));
        }
        if (request == null || request.op() == null) {
            return new Parsed.Bad(error("request has no \"op\""));
        }
        return new Parsed.Ok(request);
    }

    /** The answer to any request but {@code events}, which the server streams itself. */
    ControlProtocol.Response<?> answer(ControlProtocol.Request request) {
        return switch (request.op()) {
            case "status" -> new ControlProtocol.Response<>(true, handler.status(), null);
            case "admin" -> request.verb() == null
                    ? error("admin request has no \"verb\"")
                    : new ControlProtocol.Response<>(true, handler.admin(request.verb(),
                            request.args() == null ? List.of() : request.args()), null);
            case "config-apply" -> request.text() == null
                    ? error("config-apply request has no \"text\"")
                    : new ControlProtocol.Response<>(true, handler.applyConfig(request.text()), null);
            case "history" -> {
                HistoryReport history = handler.history();
                yield history == null ? error("this agent keeps no history")
                        : new ControlProtocol.Response<>(true, history, null);
            }
            case "config-show" -> {
                String text = handler.runningConfig();
                yield text == null ? error("this agent has no configuration text to show")
                        : new ControlProtocol.Response<>(true, text, null);
            }
            case SerialTestReport.OP -> serialTest(request);
            case "drill-reports" -> drillReports(request);
            case KeyReport.OP -> key(request);
            case "attribute" -> attribute(request);
            // Vigil's crm_mon (resource-scripts/sbin): the status as Pacemaker's XML, for resource agents.
            case CrmMonXml.OP -> new ControlProtocol.Response<>(true,
                    CrmMonXml.render(handler.status(), "legacy-xml".equals(request.verb())), null);
            default -> error("unknown op '" + request.op() + "'; known: " + KNOWN);
        };
    }

    private ControlProtocol.Response<?> serialTest(ControlProtocol.Request request) {
        try {
            var report = handler.serialTest(request.verb() == null ? "" : request.verb(),
                    request.args() == null ? List.of() : request.args());
            return report == null ? error("this agent runs no serial tests") : new ControlProtocol.Response<>(true, report, null);
        } catch (ControlHandler.Refused e) {
            return error(e.getMessage());
        }
    }

    private ControlProtocol.Response<?> key(ControlProtocol.Request request) {
        try {
            var report = handler.key(request.verb() == null ? "show" : request.verb(), request.text());
            return report == null ? error("this agent has no key ring") : new ControlProtocol.Response<>(true, report, null);
        } catch (ControlHandler.Refused e) {
            return error(e.getMessage());
        }
    }

    private ControlProtocol.Response<?> attribute(ControlProtocol.Request request) {
        try {
            return new ControlProtocol.Response<>(true, handler.attribute(request.verb() == null ? "" : request.verb(),
                    request.args() == null ? List.of() : request.args()), null);
        } catch (ControlHandler.Refused e) {
            return error(e.getMessage());
        }
    }

    private ControlProtocol.Response<?> drillReports(ControlProtocol.Request request) {
        var shelf = handler.drillReports();
        if (shelf == null) return error("this agent keeps no drill reports");
        try {
            return new ControlProtocol.Response<>(true, shelf.answer(request.verb(),
                    request.args() == null ? List.of() : request.args(), request.text()), null);
        } catch (IllegalArgumentException | IOException e) {
            return error(e.getMessage());
        }
    }

    static ControlProtocol.Response<?> error(String message) {
        return new ControlProtocol.Response<>(false, null, message);
    }

    static ControlProtocol.Response<?> subscribed() {
        return new ControlProtocol.Response<>(true, "subscribed", null);
    }

    /** How often an idle event stream says it is still there, so both ends notice a dead peer. */
    static final java.time.Duration KEEPALIVE = java.time.Duration.ofSeconds(10);

    interface Sink {
        void send(byte[] json) throws IOException;
    }

    /**
     * Streams events to one subscriber until it goes away (a write fails), falls behind, or the
     * agent stops. Runs on the connection's own thread: a slow client only ever delays itself.
     */
    void stream(EventBus bus, Sink sink) throws IOException {
        try (var subscription = bus.subscribe()) {
            sink.send(ControlJson.write(subscribed()));
            while (true) {
                ControlEvent event;
                try {
                    event = subscription.next(KEEPALIVE);
                } catch (EventBus.StreamEnded ended) {
                    return;
                }
                if (event == null) {
                    event = new ControlEvent(0, ControlEvent.Kind.KEEPALIVE.key(), System.currentTimeMillis(), null,
                            "nothing happened", null);
                }
                sink.send(ControlJson.write(event));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
