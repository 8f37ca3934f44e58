package dev.vigil.wizard;

import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.PlaybookError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One recipe of the catalogue: its directory's name, its playbook file, and the playbook as the
 * engine reads it, or the reader's errors (a recipe that cannot be read is listed with why).
 *
 * @param examples the values of the recipe's {@code vars.example.yaml}, shown as hints ("e.g. ...")
 *                 under a field; empty without one
 */
public record Recipe(String id, Path file, Optional<Playbook> playbook, List<PlaybookError> errors, Map<String, String> examples) {
    public Recipe {
        errors = List.copyOf(errors);
        examples = Map.copyOf(examples);
    }

    /** The playbook's {@code name:}, or the directory's name when it cannot be read. */
    public String title() {
        return playbook.map(Playbook::name).orElse(id);
    }

    /** The first error, as {@code playbook.yaml:3:5: why}, for the catalogue's line. */
    public String firstError() {
        if (errors.isEmpty()) return "";
        var e = errors.get(0);
        return file.getFileName() + ":" + e.line() + ":" + e.column() + ": " + e.message();
    }
}
