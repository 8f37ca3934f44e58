package dev.vigil.it;

import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The order the integration test classes are handed to JUnit's two workers (install/pom.xml runs
 * two classes at a time): the long ones first, so that no two-minute class is started last while
 * the other worker has run out of work. One worker takes classes from the front of this order and
 * the other from the back (JUnit forks every class, then joins them in reverse), so a class not
 * in the table (weight 0, at the back) is also started early; the two meet at the short ones.
 *
 * <p>The weights are seconds from a quiet serial run (docs/testing.md says how to measure them);
 * only their order matters, and a stale figure costs minutes of wall time, never a result.
 */
public final class LongestFirst implements ClassOrderer {
    private static final Map<String, Integer> SECONDS = Map.ofEntries(
            Map.entry("SoakBedIT", 200), Map.entry("PlaybookBedIT", 125), Map.entry("InstallIT", 125), Map.entry("FenceRaceBedIT", 107),
            Map.entry("NamespaceClusterIT", 67), Map.entry("HaBedIT", 50), Map.entry("ResourceScriptsIT", 47),
            Map.entry("IbmRecipesBedIT", 47), Map.entry("ScheduledDrillLoopbackIT", 41), Map.entry("FailoverBedIT", 36),
            Map.entry("DrillBedIT", 33), Map.entry("TakeoverModesBedIT", 31), Map.entry("SshBedIT", 27),
            Map.entry("WizardBedIT", 26), Map.entry("DebPackageIT", 67), Map.entry("SerialWizardBedIT", 25),
            Map.entry("NfsResourceScriptsIT", 23), Map.entry("ConsoleLoopbackIT", 22), Map.entry("ArbitratorBedIT", 21),
            Map.entry("RabbitMqRecipeBedIT", 65), Map.entry("RedisBedIT", 35));

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(
                (org.junit.jupiter.api.ClassDescriptor d) -> -SECONDS.getOrDefault(d.getTestClass().getSimpleName(), 0))
                .thenComparing(d -> d.getTestClass().getSimpleName()));
    }
}
