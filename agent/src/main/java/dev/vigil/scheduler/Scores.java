package dev.vigil.scheduler;

import dev.vigil.config.Constraint;

/**
 * Pacemaker's score arithmetic: {@code -INFINITY} wins over everything, then {@code +INFINITY};
 * finite sums stay strictly between the two so that only an explicit infinity is a must.
 */
final class Scores {
    static final int INFINITY = Constraint.INFINITY;
    static final int MINUS_INFINITY = -INFINITY;

    private Scores() {}

    static int add(int a, int b) {
        if (a <= MINUS_INFINITY || b <= MINUS_INFINITY) {
            return MINUS_INFINITY;
        }
        if (a >= INFINITY || b >= INFINITY) {
            return INFINITY;
        }
        long sum = (long) a + b;
        return (int) Math.max(MINUS_INFINITY + 1, Math.min(INFINITY - 1, sum));
    }

    static String format(int score) {
        return score >= INFINITY ? "INFINITY" : score <= MINUS_INFINITY ? "-INFINITY" : Integer.toString(score);
    }
}
