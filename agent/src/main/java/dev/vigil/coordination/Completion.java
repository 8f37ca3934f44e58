package dev.vigil.coordination;

/** A node's answer to one dispatched action: done, and whether it succeeded. */
public record Completion(long seq, boolean ok, String outcome) {}
