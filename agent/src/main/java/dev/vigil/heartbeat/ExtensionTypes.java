package dev.vigil.heartbeat;

/** Registry of extension type codes. Part of the wire format: only ever append. */
public final class ExtensionTypes {
    private ExtensionTypes() {}

    /** Reserved for tests and experiments; never sent by a released agent. */
    public static final int EXPERIMENTAL = 0xFFFF;
}
