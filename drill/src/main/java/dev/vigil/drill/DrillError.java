package dev.vigil.drill;

import java.nio.file.Path;

/** One problem in a drill file, printed as {@code file:line:column: message}. */
public record DrillError(Path file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
