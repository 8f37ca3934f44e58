package dev.vigil.playbook.steps;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nfs-ganesha EXPORT blocks in a ganesha configuration, each between marker comments naming its
 * path ({@code # BEGIN vigil export PATH} ... {@code # END vigil export PATH}), so that a step
 * finds, replaces and removes its own block and leaves the rest of the file byte for byte. The
 * block is written as Vigil's exportfs agent writes its own: with clients other than {@code *},
 * the export admits nobody ({@code Access_Type = None}) and a CLIENT block admits the clients.
 */
final class GaneshaExports {
    private GaneshaExports() {}

    /** The EXPORT settings exportfs-style options translate into. */
    record Settings(String access, String squash, List<String> extra) {}

    static String begin(String path) {
        return "# BEGIN vigil export " + path;
    }

    static String end(String path) {
        return "# END vigil export " + path;
    }

    /** exportfs options as ganesha settings, as the exportfs agent translates them; an option ganesha cannot honour fails. */
    static Settings translate(String options) throws Step.Failure {
        String access = "RO";
        String squash = "Root_Squash";
        var extra = new java.util.ArrayList<String>();
        for (String o : options.split(",")) {
            switch (o) {
                case "" -> { }
                case "rw" -> access = "RW";
                case "ro" -> access = "RO";
                case "root_squash" -> squash = "Root_Squash";
                case "no_root_squash" -> squash = "No_Root_Squash";
                case "all_squash" -> squash = "All_Squash";
                case "secure" -> extra.add("PrivilegedPort = true;");
                case "insecure" -> extra.add("PrivilegedPort = false;");
                case "no_all_squash", "sync", "async", "subtree_check", "no_subtree_check", "wdelay", "no_wdelay",
                     "crossmnt", "nohide", "hide" -> { } // no ganesha equivalent; accepted as the agent does
                default -> {
                    if (o.matches("anonuid=[0-9]+")) extra.add("Anonymous_Uid = " + o.substring(8) + ";");
                    else if (o.matches("anongid=[0-9]+")) extra.add("Anonymous_Gid = " + o.substring(8) + ";");
                    else if (o.matches("sec=[a-z0-9:]+")) extra.add("SecType = " + o.substring(4).replace(':', ',') + ";");
                    else throw new Step.Failure("option '" + o + "' has no nfs-ganesha equivalent");
                }
            }
        }
        return new Settings(access, squash, List.copyOf(extra));
    }

    static String block(String path, int id, List<String> clients, Settings s) {
        var b = new StringBuilder();
        b.append(begin(path)).append('\n');
        b.append("EXPORT {\n");
        b.append("    Export_Id = ").append(id).append(";\n");
        b.append("    Path = \"").append(path).append("\";\n");
        b.append("    Pseudo = \"").append(path).append("\";\n");
        b.append("    Protocols = 3, 4;\n");
        b.append("    Transports = TCP;\n");
        if (clients.equals(List.of("*"))) {
            b.append("    Access_Type = ").append(s.access()).append(";\n");
            b.append("    Squash = ").append(s.squash()).append(";\n");
            for (String e : s.extra()) b.append("    ").append(e).append('\n');
        } else {
            // Everyone else gets nothing; the CLIENT block admits the clients.
            b.append("    Access_Type = None;\n");
            b.append("    CLIENT {\n");
            b.append("        Clients = ").append(String.join(", ", clients)).append(";\n");
            b.append("        Access_Type = ").append(s.access()).append(";\n");
            b.append("        Squash = ").append(s.squash()).append(";\n");
            for (String e : s.extra()) b.append("        ").append(e).append('\n');
            b.append("    }\n");
        }
        b.append("    FSAL { Name = VFS; }\n");
        b.append("}\n");
        b.append(end(path)).append('\n');
        return b.toString();
    }

    /** Where the marked block of {@code path} is: [start, end) including both markers' lines; empty when absent. */
    static Optional<int[]> find(String text, String path) throws Step.Failure {
        int start = lineStart(text, begin(path), 0);
        if (start < 0) return Optional.empty();
        int endLine = lineStart(text, end(path), start);
        if (endLine < 0) {
            throw new Step.Failure("'" + begin(path) + "' has no '" + end(path) + "' after it; mend the file by hand");
        }
        int nl = text.indexOf('\n', endLine);
        return Optional.of(new int[] {start, nl < 0 ? text.length() : nl + 1});
    }

    /** {@code text} with the block of {@code path} replaced by {@code block}, appended, or removed (empty). */
    static String with(String text, String path, Optional<String> block) throws Step.Failure {
        var at = find(text, path);
        if (at.isPresent()) {
            return text.substring(0, at.get()[0]) + block.orElse("") + text.substring(at.get()[1]);
        }
        if (block.isEmpty()) return text;
        String sep = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        return text + sep + block.get();
    }

    private static final Pattern EXPORT_ID = Pattern.compile("(?i)\\bExport_Id\\s*=\\s*([0-9]{1,9})\\s*;");

    /** Fails when another EXPORT of the file (outside this path's block) has {@code id}: ganesha would refuse both. */
    static void checkIdFree(String text, String path, int id) throws Step.Failure {
        var at = find(text, path);
        String others = at.map(a -> text.substring(0, a[0]) + text.substring(a[1])).orElse(text);
        Matcher m = EXPORT_ID.matcher(others);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) == id) {
                throw new Step.Failure("Export_Id " + id + " is used by another export in the file; choose another `export_id`");
            }
        }
    }

    private static int lineStart(String text, String line, int from) {
        int i = from;
        while (i <= text.length()) {
            int nl = text.indexOf('\n', i);
            String l = text.substring(i, nl < 0 ? text.length() : nl);
            if (l.strip().equals(line)) return i;
            if (nl < 0) return -1;
            i = nl + 1;
        }
        return -1;
    }
}
