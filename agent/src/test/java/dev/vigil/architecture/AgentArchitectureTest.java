package dev.vigil.architecture;

/** The agent module's packages keep to {@link Layers}: no package cycles, no upward imports. */
class AgentArchitectureTest extends LayeredModuleTest {}
