package dev.vigil.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;

/**
 * The layer order of all of Vigil's packages, bottom first: the one place it is written down.
 * A package may import packages of its own layer and of the layers below it, never above; and no
 * two packages may import each other, directly or around a circle, even within one layer.
 * Each module's architecture test ({@code AgentArchitectureTest}, {@code ConsoleArchitectureTest},
 * {@code BenchArchitectureTest}, {@code PlaybookArchitectureTest}, {@code DrillArchitectureTest})
 * checks the classes it can see against this list, so a cycle or an upward import fails
 * {@code mvn verify}. A new package must be given a layer here.
 *
 * <p>Why this order: the model and time sources are plain values every part of the agent shares;
 * the cluster file ({@code config}) is read into those values and knows nothing of what runs
 * them; the mechanisms (links, failure detection, membership, the scheduler, resource and fence
 * agents, the control port) each do one job from the configuration; coordination drives them;
 * the agent process wires everything. The console's packages sit on top of the agent's.
 */
public final class Layers {
    private Layers() {}

    /** One layer: a name for messages and its packages (ArchUnit package patterns). */
    public record Layer(String name, String... packages) {}

    /** Bottom first. */
    public static final List<Layer> ORDER = List.of(
            // Shared values: resource references and states, action kinds, fence device specs;
            // clocks; the JSON mapper. They import no other Vigil package.
            new Layer("foundation", "dev.vigil.model..", "dev.vigil.time..", "dev.vigil.json.."),
            // The cluster file and its typed view.
            new Layer("config", "dev.vigil.config.."),
            // One job each, from the configuration. Among themselves only the cycle rule applies
            // (today: heartbeat → membership → detection, control → transport, fencing → resources,
            // alerts → resources).
            new Layer("mechanisms", "dev.vigil.transport..", "dev.vigil.detection..",
                    "dev.vigil.membership..", "dev.vigil.heartbeat..", "dev.vigil.control..",
                    "dev.vigil.quorum..", "dev.vigil.scheduler..", "dev.vigil.resources..",
                    "dev.vigil.fencing..", "dev.vigil.alerts..",
                    // sealed: the encrypted frames (issue 21); arbitrator: the quorum arbitrator's
                    // service and the agent's client of it (arbitrator → sealed, quorum)
                    "dev.vigil.sealed..", "dev.vigil.arbitrator..",
                    "dev.vigil.watchdog.."),
            new Layer("coordination", "dev.vigil.coordination.."),
            // The Prometheus endpoint: reads the state of all the layers below; only the agent's wiring uses it.
            new Layer("metrics", "dev.vigil.metrics.."),
            // The agent process: wires the layers below and runs them.
            new Layer("agent", "dev.vigil.agent.."),
            // Playbooks (module playbook): the engine that reads and runs YAML playbooks, a library
            // on top of the cluster file's reader; the command line and the wizards drive it. Its
            // packages' own order (host, steps, core, ssh) is PlaybookArchitectureTest's.
            new Layer("playbook", "dev.vigil.playbook.."),
            // Drills (module drill): failover drills run from the operator's side through the
            // control channel; the command line drives them.
            new Layer("drill", "dev.vigil.drill.."),
            // Importers (module console): heartbeat v1 and keepalived configurations read into a cluster file
            // (pure parsers, then a mapping); the command line drives them.
            new Layer("importer", "dev.vigil.importer.."),
            // Console (module console): the operator model and the status summary, the text UI,
            // the SSH server, then the `vigil` command line that starts all of them.
            new Layer("console views", "dev.vigil.access..", "dev.vigil.status.."),
            new Layer("text ui", "dev.vigil.tui.."),
            new Layer("drill room", "dev.vigil.drillroom.."), // pages of the text UI that run drills (the drill library)
            new Layer("wizards", "dev.vigil.wizard.."), // pages of the text UI that drive the playbook engine
            new Layer("ssh", "dev.vigil.ssh.."),
            new Layer("cli", "dev.vigil.cli.."),
            // Benchmarks (module bench): tools on top of the agent, used by nobody.
            new Layer("bench", "dev.vigil.bench.."));

    /**
     * Test classes: ArchUnit's own option knows test-classes directories but not the agent's test
     * jar, which the console and bench tests have on their class path (for this class).
     */
    private static final ImportOption NO_TESTS = location ->
            ImportOption.Predefined.DO_NOT_INCLUDE_TESTS.includes(location) && !location.contains("-tests.jar");

    /** Vigil's production classes on this module's class path: its own and the modules below it. */
    public static JavaClasses productionClasses() {
        return new ClassFileImporter().withImportOption(NO_TESTS).importPackages("dev.vigil");
    }

    /** No package imports another that (directly or around a circle) imports it back. */
    public static ArchRule noPackageCycles() {
        return slices().matching("dev.vigil.(*)..").should().beFreeOfCycles();
    }

    /** Imports go down {@link #ORDER} (or stay within a layer), never up. */
    public static ArchRule importsGoDown() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true);
        for (Layer layer : ORDER) {
            rule = rule.layer(layer.name()).definedBy(layer.packages());
        }
        for (int i = 0; i < ORDER.size() - 1; i++) {
            String[] above = ORDER.subList(i + 1, ORDER.size()).stream().map(Layer::name).toArray(String[]::new);
            rule = rule.whereLayer(ORDER.get(i).name()).mayOnlyBeAccessedByLayers(above);
        }
        return rule.whereLayer(ORDER.get(ORDER.size() - 1).name()).mayNotBeAccessedByAnyLayer();
    }

    /** Every production package has a place in {@link #ORDER}, so the order stays complete. */
    public static ArchRule everyPackageHasALayer() {
        String[] all = ORDER.stream().flatMap(l -> Arrays.stream(l.packages())).toArray(String[]::new);
        return classes().that().resideInAPackage("dev.vigil..").should().resideInAnyPackage(all)
                .because("the layer order in dev.vigil.architecture.Layers must name every package");
    }
}
