package dev.vigil.heartbeat;

/** Registry of extension type codes. Part of the wire format: only ever append. */
public final class ExtensionTypes {
    private ExtensionTypes() {}

    /** A node's {@code dev.vigil.coordination.NodeReport}: its resources, finished actions, operator requests. */
    public static final int NODE_REPORT = 1;

    /** The coordinator's {@code dev.vigil.coordination.Directive}: actions in flight and operator state. */
    public static final int DIRECTIVE = 2;

    /** One piece of a newer cluster file: {@code dev.vigil.coordination.ConfigDistribution}. */
    public static final int CONFIG_CHUNK = 3;

    /**
     * The sender's running cluster file: its version and the first 16 bytes of its SHA-256, on every heartbeat, so that
     * {@code config apply} knows which of two files of one version each member runs.
     */
    public static final int CONFIG_DIGEST = 4;

    /**
     * When the sender last had evidence of each peer being alive ({@link Freshness}): on every beat of a cluster
     * large enough that beats go to a few peers each ({@code dev.vigil.transport.Fanout}).
     */
    public static final int FRESHNESS = 5;

    /** Reserved for tests and experiments; never sent by a released agent. */
    public static final int EXPERIMENTAL = 0xFFFF;
}
