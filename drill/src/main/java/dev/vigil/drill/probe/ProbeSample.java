package dev.vigil.drill.probe;

/**
 * One probe: when it started and when its answer (or failure) came, on the run's monotonic clock.
 *
 * @param detail what answered (HTTP status and the node the page names, if any) or why it failed
 */
public record ProbeSample(String probe, long startNanos, long endNanos, boolean ok, String detail) {}
