package dev.vigil.playbook;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.BoundedFile;
import dev.vigil.config.LocatedYaml;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import dev.vigil.config.YamlChecks;
import dev.vigil.coordination.Suggest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Reading one YAML file of the playbook family (a playbook, a vars file, an inventory) with the
 * cluster file's located reader, collecting every problem at its line:column instead of stopping
 * at the first.
 */
final class YamlFile implements YamlChecks {
    /** A playbook, a vars file or an inventory: the same bound as a cluster file. */
    static final int LIMIT = BoundedFile.CLUSTER_FILE_LIMIT;

    final Path file;
    final List<PlaybookError> errors;
    /** The text read, to place errors inside a scalar (a `when:` condition); empty before {@link #read}. */
    private String source = "";

    YamlFile(Path file, List<PlaybookError> errors) {
        this.file = file;
        this.errors = errors;
    }

    /** The document's root, or empty after recording why there is none usable. */
    Optional<Node> read(String what) {
        String text;
        try {
            text = BoundedFile.readText(file, LIMIT, what);
            source = text;
        } catch (IOException e) {
            String m = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            errors.add(new PlaybookError(file, 1, 1, "cannot read the " + what + ": " + m));
            return Optional.empty();
        }
        try {
            var doc = LocatedYaml.read(text);
            doc.problems().forEach(p -> error(p.pos(), reword(p.message(), what)));
            if (doc.root().isEmpty()) {
                error(Pos.START, "the " + what + " is empty");
            }
            return doc.root();
        } catch (LocatedYaml.SyntaxError e) {
            error(e.pos, reword(e.getMessage(), what));
            return Optional.empty();
        }
    }

    private static String reword(String message, String what) {
        return message.replace("a cluster file", "a " + what);
    }

    /**
     * Where character {@code offset} of a one-line scalar's value is in the file: after its opening
     * quote when it is quoted. Escapes in a double-quoted value are not counted; a value written
     * over several lines is placed at its start.
     */
    Pos inside(Scalar s, int offset) {
        if (s.text().indexOf('\n') >= 0) return s.pos();
        String[] lines = source.split("\n", -1);
        if (s.pos().line() > lines.length) return s.pos();
        String line = lines[s.pos().line() - 1];
        int at = s.pos().column() - 1;
        boolean quoted = at < line.length() && (line.charAt(at) == '"' || line.charAt(at) == '\'');
        return new Pos(s.pos().line(), s.pos().column() + (quoted ? 1 : 0) + offset);
    }

    @Override
    public void error(Pos pos, String message) {
        errors.add(new PlaybookError(file, pos.line(), pos.column(), message));
    }

    /** A list, or one scalar taken as a list of one (as Ansible accepts {@code hosts: web}). */
    List<Scalar> scalars(Node n, String what) {
        var out = new ArrayList<Scalar>();
        if (n instanceof Scalar s && s.token() != JsonToken.VALUE_NULL) {
            out.add(s);
        } else if (n instanceof ListNode l) {
            for (Node item : l.items()) {
                if (item instanceof Scalar s && s.token() != JsonToken.VALUE_NULL) out.add(s);
                else error(item.pos(), "each of " + what + " must be a single value");
            }
        } else {
            error(n.pos(), what + " must be a value or a list of values");
        }
        return out;
    }

    /** "unknown KIND `key`WHERE; did you mean ...? (known: ...)" */
    void unknownKey(Pos pos, String kind, String key, String where, Collection<String> known) {
        error(pos, "unknown " + kind + " `" + key + "`" + where + Suggest.didYouMean(key, known)
                + " (known: " + String.join(", ", known) + ")");
    }
}
