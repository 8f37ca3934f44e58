package dev.vigil.config;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import java.util.Optional;

/**
 * The shape checks every reader of a {@link LocatedYaml} file outside the agent makes (the
 * playbook family's files, the drill file, the cluster file's {@code drills:} section): each
 * records its own error at the node's line:column and returns empty, so one pass reports every
 * mistake. A reader implements {@link #error} to record into its own list of errors. Here, the
 * layer below the playbook and drill modules, because both read YAML this way and neither may
 * import the other.
 */
public interface YamlChecks {

    /** Records one problem; the reading goes on. */
    void error(Pos pos, String message);

    /** {@code key}'s value in {@code m}, or empty after recording that {@code what} needs it. */
    default Optional<Node> required(MapNode m, String key, String what) {
        var e = m.entry(key);
        if (e.isEmpty()) error(m.pos(), what + " needs `" + key + ":`");
        return e.map(Entry::value);
    }

    default Optional<MapNode> map(Node n, String what) {
        if (n instanceof MapNode m) return Optional.of(m);
        error(n.pos(), what + " must be a map (key: value lines)");
        return Optional.empty();
    }

    /** A single value as text (strings, numbers and booleans as written); empty after an error. */
    default Optional<String> text(Node n, String what) {
        if (n instanceof Scalar s && !s.reported()) {
            if (s.token() == JsonToken.VALUE_NULL) {
                error(n.pos(), what + " has no value");
                return Optional.empty();
            }
            return Optional.of(s.text());
        }
        if (!(n instanceof Scalar)) error(n.pos(), what + " must be a single value, not a " + (n instanceof MapNode ? "map" : "list"));
        return Optional.empty();
    }
}
