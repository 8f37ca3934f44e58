package dev.vigil.architecture;

/** The bench module's packages keep to {@link Layers}: no package cycles, no upward imports. */
class BenchArchitectureTest extends LayeredModuleTest {}
