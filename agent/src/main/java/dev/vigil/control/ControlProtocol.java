package dev.vigil.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The local control socket speaks one JSON object per line each way: a request
 * {@code {"op": "status"}} and its answer {@code {"ok": true, "result": {...}}} or
 * {@code {"ok": false, "error": "..."}}. Line-delimited JSON keeps it usable from a shell with
 * {@code socat - UNIX-CONNECT:/run/vigil/web-ha1.sock}.
 */
public final class ControlProtocol {
    /** Requests larger than this are refused: the socket must not be a way to exhaust memory. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private ControlProtocol() {}

    /**
     * Shared: configured once, thread-safe, and costly to build per request. In a holder so that
     * the agent, which speaks the protocol through {@link ControlJson}, never loads databind
     * (~500 classes) unless something still asks for this mapper.
     */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * For clients (the console) and tools: unknown fields are ignored, so an older client can read
     * a newer agent's answers.
     */
    public static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    /**
     * @param op   status | admin | config-apply
     * @param verb for admin: one of the operator verbs (move, ban, clear, restart, cleanup,
     *             standby, online, maintenance-on, maintenance-off)
     * @param args the verb's arguments
     * @param text for config-apply: the whole cluster file
     */
    public record Request(String op, String verb, java.util.List<String> args, String text) {
        public Request(String op) {
            this(op, null, java.util.List.of(), null);
        }
    }

    /** The coordinator's answer to an operator verb, once the cluster settled after it. */
    public record AdminOutcome(boolean ok, String message) {}

    public record Response<T>(boolean ok, T result, String error) {}
}
