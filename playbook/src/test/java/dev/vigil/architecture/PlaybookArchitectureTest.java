package dev.vigil.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The playbook module's packages keep to {@link Layers} (no package cycles, no upward imports),
 * and inside the module to its own order, bottom first:
 * <ul>
 *   <li>{@code host}: a machine steps act on ({@code Host}, {@code LocalHost}); knows no step;
 *   <li>{@code steps}: the step types, their parameter checks, templates and facts; they reach a
 *       machine only through {@code Host} and know nothing of playbooks, variables or runs;
 *   <li>{@code dev.vigil.playbook} (the core): reading a playbook, its variables and conditions,
 *       the inventory, running steps on hosts (engine, report, journal);
 *   <li>{@code ssh}: reaching the inventory's hosts over SSH (an {@code SshHost} is a {@code Host});
 *       the core does not know SSH, the command line wires it in.
 * </ul>
 */
class PlaybookArchitectureTest extends LayeredModuleTest {
    private static final String HOST = "dev.vigil.playbook.host..";
    private static final String STEPS = "dev.vigil.playbook.steps..";
    private static final String CORE = "dev.vigil.playbook";
    private static final String SSH = "dev.vigil.playbook.ssh..";

    private static JavaClasses playbook() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vigil.playbook");
    }

    @Test
    void hostThenStepsThenCoreThenSsh() {
        // Every layer must hold classes (ArchUnit's default), so a renamed package fails here too.
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("host").definedBy(HOST)
                .layer("steps").definedBy(STEPS)
                .layer("core").definedBy(CORE)
                .layer("ssh").definedBy(SSH)
                .whereLayer("host").mayOnlyBeAccessedByLayers("steps", "core", "ssh")
                .whereLayer("steps").mayOnlyBeAccessedByLayers("core", "ssh")
                .whereLayer("core").mayOnlyBeAccessedByLayers("ssh")
                .whereLayer("ssh").mayNotBeAccessedByAnyLayer()
                .check(playbook());
    }

    @Test
    void everyPlaybookClassIsInALayer() {
        classes().that().resideInAPackage("dev.vigil.playbook..")
                .should().resideInAnyPackage(HOST, STEPS, CORE, SSH)
                .because("PlaybookArchitectureTest's order must name every package of the playbook engine")
                .check(playbook());
    }
}
