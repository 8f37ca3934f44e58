package dev.vigil.control;

import java.util.List;

/**
 * The answer of op {@code key} ({@code vigil key rotate}, and the steps the rotating agent asks of
 * every member): which key the answering node sends with, by fingerprint, and for a whole
 * rotation the members that took it and the nodes that missed it.
 *
 * @param node        the answering node
 * @param step        its key ring's step after the request: steady, staged or switched
 * @param fingerprint of the key it sends with (never the key)
 * @param rotated     for {@code rotate}: the nodes that now run the new key
 * @param missed      for {@code rotate}: the nodes of the cluster file that did not take it (down), each with why
 * @param message     what happened, for the operator
 */
public record KeyReport(String node, String step, String fingerprint, List<String> rotated, List<String> missed,
                        String message) {
    public static final String OP = "key";
}
