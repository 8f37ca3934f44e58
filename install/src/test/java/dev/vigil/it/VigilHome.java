package dev.vigil.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the assembled distribution is: the integration tests run the real launcher. */
final class VigilHome {
    private VigilHome() {}

    static Path home() {
        var home = Path.of(System.getProperty("vigil.home", "target/vigil")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/vigil"))) {
            throw new IllegalStateException("no distribution at " + home + "; run ./mvnw package first");
        }
        return home;
    }

    static Path launcher() {
        return home().resolve("bin/vigil");
    }
}
