package dev.vigil.wizard;

import dev.vigil.playbook.PlaybookError;
import dev.vigil.playbook.PlaybookReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        if (!Files.isDirectory(dir)) throw new IOException("no recipes directory " + dir);
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).filter(d -> Files.isRegularFile(d.resolve("playbook.yaml")))
                    .sorted().limit(LIMIT).toList();
        }
        for (Path d : subdirs) out.add(read(d.getFileName().toString(), d.resolve("playbook.yaml"), hosts));
        return out;
    }

    static Recipe read(String id, Path file, WizardHosts hosts) {
        try {
            var r = PlaybookReader.read(file, hosts.inventory());
            return new Recipe(id, file, r.playbook(), r.errors());
        } catch (RuntimeException e) {
            // a reader bug must not take the catalogue down: list the recipe with why
            return new Recipe(id, file, java.util.Optional.empty(), List.of(new PlaybookError(file, 1, 1, String.valueOf(e))));
        }
    }
}
