package dev.vigil.config;

import java.nio.file.Path;

/**
 * One problem in the cluster file, located so that an editor can jump to it.
 * Printed as {@code file:line:column: message}.
 */
public record ConfigError(Path file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
