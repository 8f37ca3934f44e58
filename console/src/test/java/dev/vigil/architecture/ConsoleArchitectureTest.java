package dev.vigil.architecture;

/** The console module's packages keep to {@link Layers}: no package cycles, no upward imports. */
class ConsoleArchitectureTest extends LayeredModuleTest {}
