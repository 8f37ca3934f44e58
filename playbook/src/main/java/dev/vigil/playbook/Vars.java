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
 * The values of a playbook's variables for one run: the vars file's (a YAML map, {@code name: value})
 * over the declared defaults, each checked against its declared type.
 */
public final class Vars {
    private Vars() {}

    public record Result(Map<String, String> values, List<PlaybookError> errors) {}

    /** @param varsFile empty: defaults only (a variable without a default is then an error) */
    public static Result resolve(Playbook playbook, Optional<Path> varsFile) {
        var errors = new ArrayList<PlaybookError>();
        var given = new LinkedHashMap<String, String>();
        if (varsFile.isPresent()) {
            var y = new YamlFile(varsFile.get(), errors);
            y.read("vars file").flatMap(n -> y.map(n, "a vars file")).ifPresent(m -> {
                for (Entry e : m.entries()) {
                    var decl = playbook.vars().get(e.key());
                    if (decl == null) {
                        y.unknownKey(e.keyPos(), "variable", e.key(), " (the playbook declares no such variable)", playbook.vars().keySet());
                        continue;
                    }
                    Optional<String> v;
                    if (decl.type() == VarType.NODES && e.value() instanceof ListNode l) {
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
                    }
                }
            });
        }
        var values = new LinkedHashMap<String, String>();
        for (var decl : playbook.vars().values()) {
            String v = given.containsKey(decl.name()) ? given.get(decl.name()) : decl.defaultValue().orElse(null);
            if (v == null) {
                if (!errors.isEmpty() && varsFile.isPresent()) continue; // maybe mistyped there; already reported
                Path where = varsFile.orElse(playbook.file());
                errors.add(new PlaybookError(where, 1, 1, "variable `" + decl.name() + "` (" + decl.type().yamlName()
                        + (decl.description().isEmpty() ? "" : ": " + decl.description())
                        + ") has no default; give it a value" + (varsFile.isPresent() ? " in this file" : " with --vars FILE")));
                continue;
            }
            values.put(decl.name(), decl.type().normalize(v));
        }
        return new Result(values, errors);
    }
}
