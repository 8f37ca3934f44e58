package dev.vigil.architecture;

/** The drill module's packages keep to {@link Layers}: no package cycles, no upward imports. */
class DrillArchitectureTest extends LayeredModuleTest {}
