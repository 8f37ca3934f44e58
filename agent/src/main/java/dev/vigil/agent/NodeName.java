package dev.vigil.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's node name as {@code uname -n} prints it. */
final class NodeName {
    private NodeName() {}

    static String fromHost() {
        try {
            // The kernel's nodename, exactly what uname -n prints; no DNS involved.
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e2) {
                throw new IllegalStateException("cannot tell this host's name; pass --node NAME", e2);
            }
        }
    }
}
