package dev.vigil.agent;

import dev.vigil.control.ControlHandler;
import dev.vigil.coordination.NodeAttributes;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control socket's {@code attribute} op, which Vigil's {@code crm_attribute} and
 * {@code crm_master} call (docs/promotable.md): checks the request and reads or writes this
 * node's {@link NodeAttributes}.
 */
final class AttributeOp {
    private AttributeOp() {}

    /**
     * @param attributes this node's store; empty for a cluster without resources
     * @param transientOf every member's transient attributes as last heard
     */
    static String answer(Optional<NodeAttributes> attributes, Map<String, Map<String, String>> transientOf,
                         String self, Clock clock, String verb, List<String> args) throws ControlHandler.Refused {
        if (attributes.isEmpty()) {
            throw new ControlHandler.Refused("this agent keeps no node attributes (its cluster file has no resources)");
        }
        if (args.size() < 4 || args.size() > 5) {
            throw new ControlHandler.Refused("attribute needs scope, node, name, lifetime[, value]; got " + args);
        }
        String scope = args.get(0);
        if (!scope.equals(NodeAttributes.NODES) && !scope.equals(NodeAttributes.CRM_CONFIG)) {
            throw new ControlHandler.Refused("unknown attribute type `" + scope + "`; Vigil keeps nodes and crm_config"
                    + " (status is nodes with lifetime reboot)");
        }
        String node = args.get(1).isEmpty() ? self : args.get(1);
        String name = args.get(2);
        if (name.isEmpty() || name.length() > 256 || name.chars().anyMatch(c -> c < 0x20)) {
            throw new ControlHandler.Refused("bad attribute name `" + name + "`");
        }
        Optional<Boolean> forever = switch (args.get(3)) {
            case "reboot" -> Optional.of(false);
            case "forever" -> Optional.of(true);
            case "" -> Optional.empty();
            default -> throw new ControlHandler.Refused("unknown lifetime `" + args.get(3) + "`; valid: reboot | forever");
        };
        var store = attributes.get();
        switch (verb) {
            case "get" -> {
                return store.get(scope, node, name, forever, transientOf).orElseThrow(() -> new ControlHandler.Refused(
                        ControlHandler.NOT_FOUND + name + (scope.equals(NodeAttributes.NODES) ? " of " + node : "")));
            }
            case "set", "delete" -> {
                String value = null;
                if (verb.equals("set")) {
                    if (args.size() != 5) throw new ControlHandler.Refused("set needs a value");
                    value = args.get(4);
                    if (value.length() > 4096 || value.indexOf('\0') >= 0) {
                        throw new ControlHandler.Refused("attribute values are at most 4096 characters, without NUL");
                    }
                }
                // Pacemaker's defaults: a node attribute lives until reboot unless told otherwise
                // (crm_master passes -l itself), a cluster property forever.
                boolean keep = forever.orElse(scope.equals(NodeAttributes.CRM_CONFIG));
                Optional<String> refused = store.set(scope, node, name, value, keep, clock.millis());
                if (refused.isPresent()) throw new ControlHandler.Refused(refused.get());
                return "";
            }
            default -> throw new ControlHandler.Refused("unknown attribute verb `" + verb + "`; valid: get | set | delete");
        }
    }
}
