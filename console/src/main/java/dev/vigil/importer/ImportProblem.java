package dev.vigil.importer;

import java.nio.file.Path;

/** A mistake in an imported file, printed as {@code file:line:column: message}. */
public record ImportProblem(Path file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
