package dev.vigil.coordination;

import java.util.List;

/**
 * An operator's command (from {@code vigil} on some node) on its way to the coordinator.
 *
 * @param id   unique on the requesting node
 * @param verb move | ban | clear | restart | cleanup | standby | online | maintenance-on | maintenance-off
 * @param args the verb's arguments (target resource or group, node)
 */
public record AdminRequest(long id, String verb, List<String> args) {
    public AdminRequest {
        args = List.copyOf(args);
    }
}
