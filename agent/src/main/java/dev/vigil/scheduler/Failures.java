package dev.vigil.scheduler;

import java.time.Instant;

/** Failures of one resource on one node since the last cleanup, and when the latest happened. */
public record Failures(int count, Instant last) {}
