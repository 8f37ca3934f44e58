package dev.vigil.playbook.ssh;

import dev.vigil.playbook.Inventory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything needed to reach one host over SSH, defaults filled in: root on port 22, the key the
 * inventory names or else the user's {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}
 * (those that exist) and the keys of ssh-agent when {@code SSH_AUTH_SOCK} is set, {@code ~/.ssh/known_hosts}.
 *
 * @param agent     the ssh-agent socket to ask for keys too ({@code SSH_AUTH_SOCK}), if any
 * @param sudo      run commands and file writes as root through {@code sudo -n} ({@code become: sudo})
 * @param acceptNew OpenSSH's {@code StrictHostKeyChecking=accept-new}: an unknown host key is added
 *                  to known_hosts; a changed one is still refused
 */
public record SshTarget(String name, String address, String user, int port, List<Path> keys, Optional<Path> agent,
                        Path knownHosts, boolean sudo, boolean acceptNew, Duration connectTimeout) {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    /** The host of an inventory entry that is not local. */
    public static SshTarget of(Inventory.HostEntry e, boolean acceptNew, Path home) {
        var s = e.ssh();
        Path ssh = home.resolve(".ssh");
        List<Path> keys = s.key().map(k -> List.of(Path.of(k))).orElseGet(() ->
                Stream.of("id_ed25519", "id_ecdsa", "id_rsa").map(ssh::resolve).filter(Files::isRegularFile).toList());
        Optional<Path> agent = Optional.ofNullable(System.getenv("SSH_AUTH_SOCK")).filter(a -> !a.isBlank())
                .map(Path::of).filter(Files::exists);
        return new SshTarget(e.name(), e.address(), s.user().orElse("root"), s.port().orElse(22), keys, agent,
                s.knownHosts().map(Path::of).orElse(ssh.resolve("known_hosts")), s.become().isPresent(), acceptNew,
                CONNECT_TIMEOUT);
    }

    /** {@code user@address:port}, as messages name it. */
    public String where() {
        return user + "@" + address + ":" + port;
    }
}
