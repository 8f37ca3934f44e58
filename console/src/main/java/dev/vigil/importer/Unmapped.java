package dev.vigil.importer;

/**
 * A directive the import could not carry over: where it was, what it said and why it has no
 * place in the cluster file. Listed on stderr and as comments at the end of the output.
 */
public record Unmapped(String source, String directive, String why) {
    public static Unmapped at(Token where, String directive, String why) {
        return new Unmapped(where.source(), directive, why);
    }

    @Override
    public String toString() {
        return source + ": " + directive + ": " + why;
    }
}
