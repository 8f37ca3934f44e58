package dev.vigil.drillroom;

import dev.vigil.drill.Drill;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.run.DrillRun;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Puts a drill's run together exactly as {@code vigil drill run} does (the cluster's agents, the
 * fault, the in-process probes, the report store, the blackouts): the console reuses the drill
 * library's {@link DrillRun}, never a runner of its own. The command line implements it.
 */
@FunctionalInterface
public interface DrillStarter {
    /**
     * A run of {@code drill} that has not started, telling {@code listener} what it does. Slow (it asks
     * an agent for the running cluster file): call it off the screen's thread.
     */
    Prepared prepare(Drill drill, DrillRun.Listener listener) throws IOException;

    /**
     * @param run       the run: {@link DrillRun#preconditions()} to show, then {@link DrillRun#run()}
     * @param samples   the probes' samples so far (the live strip)
     * @param resources what to close after the run (the fence runner)
     * @param keep      what to do with the report once it is saved (hand it to every agent, as {@code vigil drill run} does)
     */
    record Prepared(DrillRun run, Supplier<List<ProbeSample>> samples, AutoCloseable resources,
                    java.util.function.Consumer<dev.vigil.drill.report.DrillReport> keep) implements AutoCloseable {
        public Prepared(DrillRun run, Supplier<List<ProbeSample>> samples, AutoCloseable resources) {
            this(run, samples, resources, report -> {});
        }

        public Prepared keptBy(java.util.function.Consumer<dev.vigil.drill.report.DrillReport> k) {
            return new Prepared(run, samples, resources, k);
        }

        @Override
        public void close() throws Exception {
            resources.close();
        }
    }
}
