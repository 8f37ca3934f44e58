package dev.vigil.it;

/**
 * Names of the machine-global resources integration test classes lock with
 * {@code @ResourceLock} so that they never run at the same time (install/pom.xml runs two
 * classes at a time; docs/testing.md has the rule). Add a name here when a class needs one.
 */
final class TestResources {
    /**
     * The IBM stand-ins' daemons (LoadLeveler, MQ, WebSphere, DB2), which the shipped agents and
     * the tests find, count and kill by process name across the machine.
     */
    static final String IBM_STANDINS = "ibm-standins";

    private TestResources() {}
}
