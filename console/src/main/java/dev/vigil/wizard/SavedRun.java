package dev.vigil.wizard;

import dev.vigil.access.Operator;
import dev.vigil.config.AtomicFile;
import dev.vigil.control.ControlProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a wizard saves when it applies, so that the same setup can be run again from a shell:
 * {@code SAVED/RECIPE-RUNID/vars.yaml} with every answer but the secrets (mode 0644), and, when the
 * recipe has secret answers, {@code secrets.yaml} beside it (mode 0600 from its creation, never
 * wider) holding only those. The vars file names each secret in a comment and says where it is.
 * The playbook itself is not copied: the command line names the recipe where it is, so a
 * recipe's own files (templates, its authkey) stay the ones every run uses.
 *
 * @param commandLine the {@code vigil playbook apply} that repeats the run
 */
public record SavedRun(Path dir, Path playbook, Path vars, Optional<Path> secrets, String commandLine) {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    static SavedRun save(Path root, Recipe recipe, Form form, String runId, Operator who, Instant when, List<String> hostOptions)
            throws IOException {
        Path dir = root.resolve(recipe.id() + "-" + runId);
        Files.createDirectories(dir);
        Path vars = dir.resolve("vars.yaml");
        Path secretsFile = dir.resolve("secrets.yaml");
        Path playbook = recipe.file().toAbsolutePath();
        var secretNames = form.fields().stream().filter(Field::secret).map(Field::name).toList();

        var cmd = new ArrayList<>(List.of("vigil", "playbook", "apply", playbook.toString(), "--vars", vars.toString()));
        if (!secretNames.isEmpty()) cmd.addAll(List.of("--vars", secretsFile.toString()));
        cmd.addAll(hostOptions);
        String commandLine = String.join(" ", cmd.stream().map(SavedRun::quote).toList());

        var text = new StringBuilder();
        text.append("# ").append(recipe.title()).append(": answers given to the console's wizard\n");
        text.append("# run ").append(runId).append(" by ").append(who.user()).append(" (").append(who.keyFingerprint())
                .append(") at ").append(when).append('\n');
        text.append("# repeat with: ").append(commandLine).append('\n');
        var secretText = new StringBuilder("# secrets of run " + runId + " (" + recipe.id() + "); mode 0600\n");
        var values = form.values();
        for (var f : form.fields()) {
            if (f.secret()) {
                text.append("# ").append(f.name()).append(": a secret, kept in ").append(secretsFile.getFileName())
                        .append(" beside this file (mode 0600), not here\n");
                secretText.append(f.name()).append(": ").append(yamlString(values.get(f.name()))).append('\n');
            } else {
                text.append(f.name()).append(": ").append(yamlString(values.get(f.name()))).append('\n');
            }
        }
        Optional<Path> secrets = Optional.empty();
        if (!secretNames.isEmpty()) {
            AtomicFile.write(secretsFile, secretText.toString().getBytes(StandardCharsets.UTF_8)); // 0600 from the start
            secrets = Optional.of(secretsFile);
        }
        AtomicFile.write(vars, text.toString().getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(vars, PosixFilePermissions.fromString("rw-r--r--")); // holds no secret
        return new SavedRun(dir, playbook, vars, secrets, commandLine);
    }

    /** A double-quoted YAML scalar (JSON's escapes are YAML's): a value is always text, never 'yes' turned bool. */
    static String yamlString(String v) {
        try {
            return ControlProtocol.mapper().writeValueAsString(v);
        } catch (IOException e) {
            throw new IllegalStateException("a string always serialises", e);
        }
    }

    /** As a POSIX shell reads it back: plain words bare, anything else in single quotes. */
    static String quote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
