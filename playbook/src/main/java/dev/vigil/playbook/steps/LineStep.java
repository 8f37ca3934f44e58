package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code line}: one line in a file, as Ansible's lineinfile. With {@code state: present} the last
 * line {@code regexp} finds is replaced by {@code line}; when none is found and {@code line} is not
 * there already, it is appended. With {@code state: absent} every line {@code regexp} finds (or
 * equal to {@code line}) is removed. The rest of the file is left byte for byte.
 */
final class LineStep implements Step {
    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String path = Step.path(p, "path");
        Optional<Integer> mode = Step.mode(p);
        boolean present = !"absent".equals(p.getOrDefault("state", "present"));
        boolean create = "true".equals(p.get("create"));
        String line = p.get("line");
        if (line != null && (line.contains("\n") || line.contains("\r"))) {
            throw new Failure("`line` must be one line; use a file step for several");
        }
        Pattern regexp = null;
        if (p.containsKey("regexp")) {
            try {
                regexp = Pattern.compile(p.get("regexp"));
            } catch (PatternSyntaxException e) {
                throw new Failure("`regexp` is not a regular expression: " + e.getDescription());
            }
        }
        Host.Kind kind = host.kind(path);
        String text;
        if (kind == Host.Kind.MISSING) {
            if (!present) return Outcome.ok("the file does not exist, so neither does the line");
            if (!create) throw new Failure(path + " does not exist (add `create: true` to create it)");
            text = "";
        } else if (kind != Host.Kind.FILE) {
            throw new Failure(path + " is not a regular file");
        } else {
            text = FileStep.text(host.read(path, FileStep.LIMIT));
            if (text == null) throw new Failure(path + " is not UTF-8 text; a line step edits text files only");
        }
        List<String> lines = UnifiedDiff.lines(text);
        boolean endsWithNewline = text.isEmpty() || text.endsWith("\n");
        var out = new ArrayList<>(lines);
        String what;
        if (present) {
            int match = -1;
            if (regexp != null) {
                for (int i = 0; i < out.size(); i++) if (regexp.matcher(out.get(i)).find()) match = i;
            }
            if (match >= 0) {
                if (out.get(match).equals(line)) return Outcome.ok("line " + (match + 1) + " is already there");
                out.set(match, line);
                what = "line " + (match + 1) + " replaced";
            } else if (out.contains(line)) {
                return Outcome.ok("line " + (out.indexOf(line) + 1) + " is already there");
            } else {
                out.add(line);
                endsWithNewline = true;
                what = "line appended";
            }
        } else {
            final Pattern re = regexp;
            int before = out.size();
            out.removeIf(l -> re != null ? re.matcher(l).find() : l.equals(line));
            if (out.size() == before) return Outcome.ok("no such line");
            what = (before - out.size()) + " line(s) removed";
        }
        String updated = String.join("\n", out) + (endsWithNewline && !out.isEmpty() ? "\n" : "");
        var result = FileStep.write(host, path, updated.getBytes(StandardCharsets.UTF_8), mode, apply, ctx);
        return new Outcome(result.changed(), (apply ? "" : "would be: ") + what, result.diff());
    }
}
