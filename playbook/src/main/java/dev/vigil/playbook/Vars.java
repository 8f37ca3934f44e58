package dev.vigil.playbook;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values of a playbook's variables for one run: the vars files' (YAML maps, {@code name: value})
 * over the declared defaults, each checked against its declared type. With several files a later
 * one wins over an earlier one for a variable both give (e.g. {@code vars.yaml} then a 0600
 * {@code secrets.yaml}); each error is reported in its own file.
 */
public final class Vars {
    private Vars() {}

    public record Result(Map<String, String> values, List<PlaybookError> errors) {}

    /** {@link #resolve(Playbook, List)} with at most one file. */
    public static Result resolve(Playbook playbook, Optional<Path> varsFile) {
        return resolve(playbook, varsFile.map(List::of).orElse(List.of()));
    }

    /** @param varsFiles in order, later over earlier; none: defaults only (a variable without a default is then an error) */
    public static Result resolve(Playbook playbook, List<Path> varsFiles) {
        var errors = new ArrayList<PlaybookError>();
        var given = new LinkedHashMap<String, String>();
        var positions = new LinkedHashMap<String, PlaybookError>();
        for (Path file : varsFiles) read(playbook, file, given, positions, errors);
        var values = new LinkedHashMap<String, String>();
        for (var decl : playbook.vars().values()) {
            String v = given.containsKey(decl.name()) ? given.get(decl.name()) : decl.defaultValue().orElse(null);
            if (v == null) {
                if (!errors.isEmpty() && !varsFiles.isEmpty()) continue; // maybe mistyped there; already reported
                // Reported in the last file: that is where a value given now would win.
                Path where = varsFiles.isEmpty() ? playbook.file() : varsFiles.get(varsFiles.size() - 1);
                errors.add(new PlaybookError(where, 1, 1, "variable `" + decl.name() + "` (" + decl.type().yamlName()
                        + (decl.description().isEmpty() ? "" : ": " + decl.description())
                        + ") has no default; give it a value" + (varsFiles.isEmpty() ? " with --vars FILE"
                        : varsFiles.size() == 1 ? " in this file" : " in one of the vars files")));
                continue;
            }
            values.put(decl.name(), decl.type().normalize(v, decl));
        }
        // Rules across two answers, once both are known: reported where the value was given.
        for (var decl : playbook.vars().values()) {
            var base = decl.within().map(values::get);
            if (base.isEmpty() || !values.containsKey(decl.name())) continue;
            decl.withinProblem(values.get(decl.name()), base.get()).ifPresent(p -> {
                var at = positions.getOrDefault(decl.name(), new PlaybookError(playbook.file(), 1, 1, ""));
                errors.add(new PlaybookError(at.file(), at.line(), at.column(), "`" + decl.name() + "` " + p));
            });
        }
        return new Result(values, errors);
    }

    /**
     * Adds the valid values of one file to {@code given} (over what is there), where each was
     * given to {@code positions}, and its errors to {@code errors}.
     */
    private static void read(Playbook playbook, Path file, Map<String, String> given, Map<String, PlaybookError> positions,
                             List<PlaybookError> errors) {
        var y = new YamlFile(file, errors);
        y.read("vars file").flatMap(n -> y.map(n, "a vars file")).ifPresent(m -> {
            for (Entry e : m.entries()) {
                var decl = playbook.vars().get(e.key());
                if (decl == null) {
                    y.unknownKey(e.keyPos(), "variable", e.key(), " (the playbook declares no such variable)", playbook.vars().keySet());
                    continue;
                }
                Optional<String> v;
                if ((decl.type() == VarType.NODES || decl.type() == VarType.CLIENTS) && e.value() instanceof ListNode l) {
                    var names = new ArrayList<String>();
                    y.scalars(l, "`" + e.key() + "`").forEach(s -> names.add(s.text()));
                    v = Optional.of(String.join(" ", names));
                } else {
                    v = y.text(e.value(), "`" + e.key() + "`");
                }
                if (v.isEmpty()) continue;
                var problem = decl.type().problem(v.get(), decl);
                if (problem.isPresent()) {
                    y.error(e.value().pos(), "`" + e.key() + "` " + problem.get());
                } else {
                    given.put(e.key(), v.get());
                    positions.put(e.key(), new PlaybookError(file, e.value().pos().line(), e.value().pos().column(), ""));
                }
            }
        });
    }
}
