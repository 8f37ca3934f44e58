package dev.vigil.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code vigil drill schedule list}, declared once: the bare {@code vigil drill
 * schedule} lists too and takes the same options. (A superclass, not a mixin of mixins:
 * {@link NodeOptions} writes to the command it is mixed into, which a nested mixin is not.)
 */
abstract class ScheduleListOptions {
    @Mixin
    DrillCommand.Files files;
    @Mixin
    NodeOptions target;
    @Option(names = "--running", description = "read the schedule from the cluster file the agent runs, not from --config")
    boolean running;
}
