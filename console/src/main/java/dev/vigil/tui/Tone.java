package dev.vigil.tui;

/**
 * What a piece of text means, not how it looks: the renderer turns it into colour or, on a
 * monochrome terminal, into bold or reverse. Text always carries its own marker ([DEAD], !, *)
 * as well, so nothing is told by colour alone.
 */
public enum Tone {
    NORMAL, GOOD, WARN, BAD, DIM, TITLE, SELECTED
}
