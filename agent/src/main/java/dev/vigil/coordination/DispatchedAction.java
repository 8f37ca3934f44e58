package dev.vigil.coordination;

/**
 * An action the coordinator handed to a node. {@code seq} is unique per coordinator life, so a
 * node runs each dispatch exactly once even though the directive that carries it is repeated on
 * every heartbeat until the node reports it done.
 *
 * @param id the scheduler's action id ({@code web:start@ha2}), or {@code web:cleanup@ha2} and
 *           {@code web:restart@ha2} for operator requests
 * @param op what to do; on the wire its lower-case name ({@link Operation#wire()})
 */
public record DispatchedAction(long seq, String id, Operation op, String resource, String node) {}
