package dev.vigil.playbook.steps;

/** Quoting for the {@code /bin/sh -c} command lines steps run on a host. */
final class Quoting {
    private Quoting() {}

    /** {@code s} as one shell word: single-quoted, with each {@code '} written as {@code '\''}. */
    static String sh(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
