package dev.vigil.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line of a heartbeat file into words with their columns: blanks separate words, a
 * word starting with {@code #} starts a comment (ha.cf, haresources and authkeys all use it).
 */
public final class Words {
    private Words() {}

    public static List<Token> split(String line, Path file, int lineNo) {
        return split(line, file, lineNo, true);
    }

    /**
     * The words of a line that has no comments: a stonith plugin's parameter line, where heartbeat
     * skipped only lines starting with {@code #} and a {@code #} inside is part of a password.
     */
    public static List<Token> fields(String line, Path file, int lineNo) {
        return split(line, file, lineNo, false);
    }

    private static List<Token> split(String line, Path file, int lineNo, boolean comments) {
        var words = new ArrayList<Token>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) i++;
            if (i >= line.length() || comments && line.charAt(i) == '#') break;
            int start = i;
            while (i < line.length() && !Character.isWhitespace(line.charAt(i))) i++;
            words.add(new Token(line.substring(start, i), file, lineNo, start + 1));
        }
        return words;
    }

    /** The text's lines, a trailing {@code \r} (a file edited on Windows) dropped. */
    public static List<String> lines(String text) {
        return text.lines().map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).toList();
    }
}
