package dev.vigil.coordination;

/** The coordinator's answer to one {@link AdminRequest} of one node, sent once the outcome is known. */
public record AdminReply(String node, long id, boolean ok, String message) {}
