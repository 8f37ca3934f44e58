package dev.vigil.ssh;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the command an SSH client sends ({@code ssh host vigil resource move "my group" ha2})
 * into words the way a POSIX shell would for the simple cases scripts use: blanks separate words,
 * single quotes keep everything, double quotes keep everything but {@code \"} and {@code \\},
 * a backslash outside quotes escapes the next character. No expansions: nothing is run by a shell.
 */
public final class Words {
    private Words() {}

    /** @throws IllegalArgumentException naming the column of an unclosed quote or a trailing backslash */
    public static List<String> split(String line) {
        var words = new ArrayList<String>();
        var word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        int quoteAt = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                else word.append(c);
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                quoteAt = i + 1;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("column " + (i + 1) + ": a backslash at the end escapes nothing");
                }
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("column " + quoteAt + ": the quote " + quote + " is never closed");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
