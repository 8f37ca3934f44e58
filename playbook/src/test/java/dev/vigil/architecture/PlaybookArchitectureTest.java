package dev.vigil.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The playbook module's packages keep to {@link Layers}: no package cycles, no upward imports. */
class PlaybookArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = Layers.productionClasses();
    }

    @Test
    void noPackageCycles() {
        Layers.noPackageCycles().check(classes);
    }

    @Test
    void importsGoDownTheLayerOrder() {
        Layers.importsGoDown().check(classes);
    }

    @Test
    void everyPackageHasALayer() {
        Layers.everyPackageHasALayer().check(classes);
    }
}
