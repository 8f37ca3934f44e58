package dev.vigil.coordination;

/**
 * An action the coordinator handed to a node. {@code seq} is unique per coordinator life, so a
 * node runs each dispatch exactly once even though the directive that carries it is repeated on
 * every heartbeat until the node reports it done.
 *
 * @param id the scheduler's action id ({@code web:start@ha2}), or {@code web:cleanup@ha2} and
 *           {@code web:restart@ha2} for operator requests
 * @param op what to do; on the wire its lower-case name ({@link Operation#wire()})
 * @param meta what the agent is told on top of the resource's own settings: a clone notification's
 *             OCF_RESKEY_CRM_meta_notify_* variables (without that prefix); empty for everything else
 */
public record DispatchedAction(long seq, String id, Operation op, String resource, String node,
                               // Left out when empty: the gossip of every other action stays as it was.
                               @com.fasterxml.jackson.annotation.JsonInclude(
                                       com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                               java.util.Map<String, String> meta) {
    public DispatchedAction {
        // Sorted, so that the gossip text does not depend on map order.
        meta = meta == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(meta));
    }

    public DispatchedAction(long seq, String id, Operation op, String resource, String node) {
        this(seq, id, op, resource, node, java.util.Map.of());
    }
}
