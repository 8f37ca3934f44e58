package dev.vigil.importer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds a node's address from its name. Tests pass a map, so that no query leaves the machine.
 * A name that resolves only to loopback (Debian's {@code 127.0.1.1 hostname} line) gives
 * nothing: the other nodes could not reach it there.
 */
@FunctionalInterface
public interface Resolver {
    Optional<String> resolve(String name);

    Resolver SYSTEM = name -> {
        try {
            return Arrays.stream(InetAddress.getAllByName(name))
                    .filter(a -> !a.isLoopbackAddress() && !a.isAnyLocalAddress())
                    .map(InetAddress::getHostAddress).findFirst();
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    };
}
