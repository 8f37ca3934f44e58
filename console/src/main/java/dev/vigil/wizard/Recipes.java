package dev.vigil.wizard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.PlaybookError;
import dev.vigil.playbook.PlaybookReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The recipe catalogue: every directory directly under the playbooks directory that holds a
 * {@code playbook.yaml}, by name. Read afresh each time the catalogue opens, so a recipe added
 * to the directory is a wizard at once, with no console code and no restart.
 */
public final class Recipes {
    /** More would not fit any screen; a directory with more is not a recipe directory. */
    static final int LIMIT = 500;

    private Recipes() {}

    public static List<Recipe> scan(Path dir, WizardHosts hosts) throws IOException {
        var out = new ArrayList<Recipe>();
        if (!Files.isDirectory(dir)) throw new IOException("no recipes directory " + dir + " (vigil console --playbooks DIR names it)");
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).filter(d -> Files.isRegularFile(d.resolve("playbook.yaml")))
                    .sorted().limit(LIMIT).toList();
        }
        var inventory = hosts.inventory();
        for (Path d : subdirs) {
            String id = d.getFileName().toString();
            // new-cluster's hosts are the nodes its own form names, not the console's: with no
            // cluster file yet (where a new cluster is made) it must still open
            out.add(read(id, d.resolve("playbook.yaml"), id.equals(NewClusterPage.RECIPE) ? NEW_NODES : inventory));
        }
        return out;
    }

    /** Stands for the nodes the new-cluster form will name, to read its recipe in the catalogue. */
    private static final Inventory NEW_NODES = Inventory.toCome(List.of("node1", "node2"));

    static Recipe read(String id, Path file, Inventory inventory) {
        var examples = examples(file.resolveSibling("vars.example.yaml"));
        try {
            var r = PlaybookReader.read(file, inventory);
            return new Recipe(id, file, r.playbook(), r.errors(), examples);
        } catch (RuntimeException e) {
            // a reader bug must not take the catalogue down: list the recipe with why
            return new Recipe(id, file, java.util.Optional.empty(), List.of(new PlaybookError(file, 1, 1, String.valueOf(e))), examples);
        }
    }

    /** A recipe's example answers: hints only, so a file that is absent, too large or not a map gives none. */
    static Map<String, String> examples(Path file) {
        var out = new LinkedHashMap<String, String>();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > EXAMPLES_LIMIT) return out;
            var root = YAML.readTree(file.toFile());
            if (root == null || !root.isObject()) return out;
            root.fields().forEachRemaining(e -> {
                var v = e.getValue();
                if (v.isValueNode()) {
                    out.put(e.getKey(), v.asText());
                } else if (v.isArray()) {
                    var items = new ArrayList<String>();
                    v.forEach(x -> items.add(x.asText()));
                    out.put(e.getKey(), String.join(" ", items));
                }
            });
        } catch (IOException | RuntimeException e) {
            // no hints then
        }
        return out;
    }

    private static final int EXAMPLES_LIMIT = 64 * 1024;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
}
