package dev.vigil.importer.heartbeat;

import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportProblem;
import dev.vigil.importer.Token;
import dev.vigil.importer.Words;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** heartbeat's {@code authkeys}: {@code auth N}, then {@code N method [key]} lines (methods crc, md5, sha1). */
public final class Authkeys {
    /** The key in use: {@code auth N}'s line, its method and its secret (empty for crc). */
    public record Key(Token auth, Token method, Optional<Token> secret) {}

    private Authkeys() {}

    public static Key parse(String text, Path file) throws ImportException {
        var problems = new ArrayList<ImportProblem>();
        Token auth = null;
        Token authIndex = null;
        Map<String, List<Token>> keys = new HashMap<>();
        var lines = Words.lines(text);
        for (int i = 0; i < lines.size(); i++) {
            var w = Words.split(lines.get(i), file, i + 1);
            if (w.isEmpty()) continue;
            if (w.get(0).text().equals("auth")) {
                if (w.size() != 2) {
                    problems.add(w.get(0).problem("`auth` takes one number, the key in use (e.g. `auth 1`)"));
                } else {
                    auth = w.get(0);
                    authIndex = w.get(1);
                }
            } else if (w.get(0).text().matches("\\d+")) {
                String method = w.size() > 1 ? w.get(1).text() : "";
                if (!List.of("crc", "md5", "sha1").contains(method)) {
                    problems.add((w.size() > 1 ? w.get(1) : w.get(0)).problem("a key line is `N crc`, `N md5 SECRET` or "
                            + "`N sha1 SECRET`" + (method.isEmpty() ? "" : "; `" + method + "` is not a method")));
                } else if (!method.equals("crc") && w.size() < 3) {
                    problems.add(w.get(1).problem("`" + method + "` needs the secret after it"));
                } else {
                    keys.put(w.get(0).text(), w);
                }
            } else {
                problems.add(w.get(0).problem("authkeys holds `auth N` and `N method [key]` lines; `"
                        + w.get(0).text() + "` is neither"));
            }
        }
        if (problems.isEmpty() && auth == null) {
            problems.add(new ImportProblem(file, 1, 1, "no `auth N` line says which key is in use"));
        } else if (problems.isEmpty() && !keys.containsKey(authIndex.text())) {
            problems.add(authIndex.problem("`auth " + authIndex.text() + "` names no key line `" + authIndex.text() + " …`"));
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
        var line = keys.get(authIndex.text());
        // A secret with blanks in it is kept whole, as heartbeat reads the rest of the line.
        Optional<Token> secret = Optional.empty();
        if (line.size() > 2) {
            var first = line.get(2);
            String raw = lines.get(first.line() - 1).substring(first.column() - 1).strip();
            secret = Optional.of(new Token(raw, file, first.line(), first.column()));
        }
        return new Key(auth, line.get(1), secret);
    }
}
