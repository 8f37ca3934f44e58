package dev.vigil.quorum;

/** Whether this partition may run resources, and why (for the log and {@code vigil status}). */
public record Quorum(boolean quorate, String reason) {}
