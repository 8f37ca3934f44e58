package dev.vigil.playbook;

import java.nio.file.Path;

/** One problem in a playbook, a vars file or an inventory, printed as {@code file:line:column: message}. */
public record PlaybookError(Path file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
