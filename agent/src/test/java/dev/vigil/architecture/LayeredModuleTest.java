package dev.vigil.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checks every module runs against {@link Layers} on the production classes it can see: no
 * package cycles, no upward imports, no package without a layer. Each module's test extends this
 * (in the agent's test jar, which the other modules already use for {@link Layers}).
 */
public abstract class LayeredModuleTest {
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
