package dev.vigil.config;

import java.util.Optional;

/**
 * keepalived's notify scripts on a floating-IP resource ({@code notify:} of docs/alerts.md). Each is
 * a command line, split on blanks, run without a shell. {@code any} is keepalived's {@code notify}:
 * it gets {@code TYPE NAME STATE PRIORITY} as arguments, after the ones written.
 */
public record NotifySpec(Optional<String> master, Optional<String> backup, Optional<String> fault,
                         Optional<String> any) {}
