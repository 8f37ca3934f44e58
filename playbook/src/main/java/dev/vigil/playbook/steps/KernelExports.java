package dev.vigil.playbook.steps;

import java.util.List;
import java.util.Optional;

/**
 * Lines of /etc/exports ({@code exports(5)}): one entry per exported path, {@code PATH
 * CLIENT(OPTIONS) ...}, possibly continued over lines ending in a backslash. Edits keep every
 * other byte of the file.
 */
final class KernelExports {
    private KernelExports() {}

    static String line(String path, List<String> clients, String options) {
        var b = new StringBuilder(path);
        for (String c : clients) b.append(' ').append(c).append(options.isEmpty() ? "" : "(" + options + ")");
        return b.toString();
    }

    /**
     * {@code text} with the entry for {@code path} replaced by {@code line} (the first one; later
     * ones for the same path removed), appended when there is none, or removed when {@code line}
     * is empty.
     */
    static String with(String text, String path, Optional<String> line) {
        var out = new StringBuilder(text.length() + 128);
        boolean placed = false;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            // An entry: lines joined while they end in a backslash.
            int end;
            while (true) {
                int nl = text.indexOf('\n', i);
                end = nl < 0 ? text.length() : nl + 1;
                String body = text.substring(i, nl < 0 ? text.length() : nl);
                i = end;
                if (!body.endsWith("\\") || end >= text.length()) break;
            }
            String entry = text.substring(start, end);
            if (!path.equals(exportedPath(entry))) {
                out.append(entry);
                continue;
            }
            if (!placed && line.isPresent()) out.append(line.get()).append('\n');
            placed = true;
        }
        if (!placed && line.isPresent()) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') out.append('\n');
            out.append(line.get()).append('\n');
        }
        return out.toString();
    }

    /** The path an entry exports (quotes and \040 undone, trailing slashes dropped), or null for comments and blank lines. */
    static String exportedPath(String entry) {
        String s = entry.stripLeading();
        if (s.isEmpty() || s.startsWith("#")) return null;
        String p;
        if (s.startsWith("\"")) {
            int q = s.indexOf('"', 1);
            p = q < 0 ? s.substring(1) : s.substring(1, q);
        } else {
            int ws = 0;
            while (ws < s.length() && !Character.isWhitespace(s.charAt(ws))) ws++;
            p = s.substring(0, ws);
        }
        p = p.replace("\\040", " ");
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }
}
