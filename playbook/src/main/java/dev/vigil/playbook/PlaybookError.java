package dev.vigil.playbook;

import java.nio.file.Path;

/**
 * One problem in a playbook, a vars file or an inventory, printed as {@code file:line:column: message};
 * line 0 for a problem of the command line (such as {@code --limit}), printed as the message alone.
 */
public record PlaybookError(Path file, int line, int column, String message) {
    @Override
    public String toString() {
        if (line == 0) return message;
        return file + ":" + line + ":" + column + ": " + message;
    }
}
