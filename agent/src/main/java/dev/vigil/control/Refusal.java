package dev.vigil.control;

/**
 * Why the TCP control channel refused a frame or a connection. Each is counted under {@link #dropKey()} in
 * {@code vigil status --json} ({@code drops}), logged with a rate limit, answered with
 * {@link #message()} in a refusal frame, and ends the connection: nothing in it is executed.
 */
public enum Refusal {
    /** Wrong key, a flipped bit, or a frame recorded on another connection. */
    AUTHENTICATION_FAILED("control-auth-failed", "authentication failed"),
    /** Authentic, but not the next sequence number of this connection: a replay or a reordering. */
    REPLAYED("control-replayed", "replayed or out-of-order request"),
    /** Not a frame of this protocol, or not the frame expected at this point of the exchange. */
    MALFORMED("control-malformed", "malformed frame"),
    /** Longer than the side that reads it accepts; the body is never read. */
    OVERSIZED("control-oversized", "frame too large"),
    /** The connection ended inside a frame, or a frame is too short for its fields. */
    TRUNCATED("control-truncated", "truncated frame"),
    /** The client did not authenticate within {@code TcpControlServer.HANDSHAKE_TIMEOUT} of connecting. */
    TIMEOUT("control-timeout", "timed out"),
    /** Refused at connect: this source address has as many unauthenticated connections open as it may. */
    SOURCE_LIMIT("control-source-limit", "too many unauthenticated connections from this address"),
    /** Refused at connect: the agent has as many unauthenticated connections open as it takes. */
    HANDSHAKE_LIMIT("control-handshake-limit", "too many unauthenticated connections"),
    /** Refused after authenticating: every slot for authenticated connections is taken. */
    CONNECTION_LIMIT("control-connection-limit", "too many connections"),
    /**
     * A client of control protocol 1, which sends its frames in clear: this agent only speaks the
     * encrypted protocol 2 and never falls back (an eavesdropper could otherwise ask for the clear one).
     */
    PLAINTEXT_CLIENT("control-plaintext-client", "this agent encrypts its control channel (control protocol 2)"
            + " and refuses clients of protocol 1, which send in clear: upgrade vigil on the client's machine");

    private final String dropKey;
    private final String message;

    Refusal(String dropKey, String message) {
        this.dropKey = dropKey;
        this.message = message;
    }

    public String dropKey() {
        return dropKey;
    }

    public String message() {
        return message;
    }
}
