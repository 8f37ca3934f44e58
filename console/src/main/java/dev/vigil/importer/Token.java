package dev.vigil.importer;

import java.nio.file.Path;

/**
 * One word of an imported file with where it stands, so that every error names file:line:column
 * and every line of the output can point back at its source ({@code # from ha.cf:12}).
 */
public record Token(String text, Path file, int line, int column) {

    /** {@code ha.cf:12}, as the output's comments cite a source line (the file's name, not its path). */
    public String source() {
        return file.getFileName() + ":" + line;
    }

    /** A problem at this token. */
    public ImportProblem problem(String message) {
        return new ImportProblem(file, line, column, message);
    }
}
