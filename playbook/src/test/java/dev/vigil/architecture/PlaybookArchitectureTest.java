package dev.vigil.architecture;

/** The playbook module's packages keep to {@link Layers}: no package cycles, no upward imports. */
class PlaybookArchitectureTest extends LayeredModuleTest {}
