package dev.vigil.config;

/**
 * A placement or ordering rule between resources, groups and nodes. Targets name a resource or a
 * group. Scores follow Pacemaker: positive attracts, negative repels, and {@link #INFINITY} /
 * {@code -INFINITY} are musts.
 */
public sealed interface Constraint {
    int INFINITY = 1_000_000;

    /** {@code target} prefers ({@code score > 0}) or avoids ({@code score < 0}) {@code node}. */
    record Location(String id, String target, String node, int score) implements Constraint {}

    /** {@code target} runs where {@code with} runs (score > 0) or never there (score < 0). */
    record Colocation(String id, String target, String with, int score) implements Constraint {}

    /** {@code then} starts only after {@code first} started, and stops before it stops. */
    record Order(String id, String first, String then) implements Constraint {}

    String id();
}
