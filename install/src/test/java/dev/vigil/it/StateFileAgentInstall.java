package dev.vigil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The agent module's StateFile test agent, installed as an OCF provider where the launcher's
 * executor finds agents (/usr/lib/ocf/resource.d/PROVIDER/StateFile) for the tests that run real
 * agents, and removed afterwards. The provider name carries the test JVM's pid, so parallel runs
 * and leftovers of killed runs never collide.
 */
final class StateFileAgentInstall {
    private static final Path FIXTURE = Path.of("../agent/src/test/resources/ocf/StateFile");

    private final String provider;
    private final Path dir;

    private StateFileAgentInstall(String provider) {
        this.provider = provider;
        this.dir = Path.of("/usr/lib/ocf/resource.d", provider);
    }

    /** @param prefix names the test, e.g. {@code vigil-it} */
    static StateFileAgentInstall install(String prefix) throws IOException {
        var install = new StateFileAgentInstall(prefix + "-" + ProcessHandle.current().pid());
        Files.createDirectories(install.dir);
        var agent = install.dir.resolve("StateFile");
        Files.copy(FIXTURE, agent);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        return install;
    }

    /** The OCF provider to name in a cluster file: {@code ocf:PROVIDER:StateFile}. */
    String provider() {
        return provider;
    }

    void remove() throws IOException {
        Files.deleteIfExists(dir.resolve("StateFile"));
        Files.deleteIfExists(dir);
    }
}
