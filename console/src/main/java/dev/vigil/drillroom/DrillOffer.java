package dev.vigil.drillroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillReader;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.steps.Template;
import dev.vigil.tui.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * "Run a drill of what was just set up": after a wizard's apply, the first drill of the drill file
 * whose target is one of the resources or groups the recipe's {@code cluster} steps define, and
 * the guided run that opens it.
 */
@FunctionalInterface
public interface DrillOffer {
    /** The offer for what a recipe defined (resource and group ids); empty when no drill targets any of them. */
    Optional<Offer> of(Set<String> defined);

    /** @param open the guided run of {@code drill} */
    record Offer(Drill drill, Supplier<Page> open) {
        public String label() {
            return drill.name() + " (" + RoomLines.fault(drill) + ")";
        }
    }

    DrillOffer NONE = ids -> Optional.empty();

    /** The drill room's drill file, read when asked (it may have been written by the recipe itself). */
    static DrillOffer from(DrillRoomSettings settings) {
        return ids -> {
            var r = DrillReader.read(settings.drillFile());
            if (!r.ok()) return Optional.empty();
            return r.drills().stream().filter(d -> ids.contains(d.target())).findFirst()
                    .map(d -> new Offer(d, () -> new GuidedRunPage(d, settings)));
        };
    }

    /**
     * The resources and groups the playbook's {@code cluster} steps merge into the cluster file, with
     * the answers filled into their templates. A fragment that cannot be read (a fact only a host
     * knows) defines nothing here: the offer is a convenience, never an error.
     */
    static Set<String> definedBy(Playbook playbook, Map<String, String> values) {
        var out = new LinkedHashSet<String>();
        var yaml = new YAMLMapper();
        for (var step : playbook.steps()) {
            if (!step.type().equals("cluster")) continue;
            try {
                String text = step.params().containsKey("content") ? step.params().get("content")
                        : Files.readString(playbook.file().toAbsolutePath().getParent().resolve(step.params().getOrDefault("template", "")));
                JsonNode root = yaml.readTree(Template.render(text, values));
                for (String section : new String[] {"resources", "groups"}) {
                    for (JsonNode n : root.path(section)) {
                        if (n.hasNonNull("id")) out.add(n.get("id").asText());
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // not readable here: nothing offered for this step
            }
        }
        return out;
    }
}
