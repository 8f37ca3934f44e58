package dev.vigil.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil console}'s SSH server (Apache MINA SSHD): public keys from an authorized_keys file
 * and nothing else (no passwords, no keyboard-interactive, no forwarding, no subsystems), the text
 * UI for interactive sessions and {@code vigil} verbs for exec requests, both as the key's role.
 * Addresses that keep failing to log in are made to wait before their next connection.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);

    /** @param listen address and port; port 0 picks a free one (tests) */
    public record Settings(InetSocketAddress listen, Path hostKey) {
        public Settings {
            Objects.requireNonNull(listen);
            Objects.requireNonNull(hostKey);
        }
    }

    private static final org.apache.sshd.common.AttributeRepository.AttributeKey<Boolean> THROTTLED =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();

    private final Settings settings;
    private final AuthorizedKeysFile keys;
    private final FailureThrottle throttle;
    private final CommandRunner cli;
    private final ShellSessionFactory shells;
    private SshServer server;
    private String hostKeyFingerprint;

    public ConsoleServer(Settings settings, AuthorizedKeysFile keys, FailureThrottle throttle, CommandRunner cli,
                         ShellSessionFactory shells) {
        this.settings = Objects.requireNonNull(settings);
        this.keys = Objects.requireNonNull(keys);
        this.throttle = Objects.requireNonNull(throttle);
        this.cli = Objects.requireNonNull(cli);
        this.shells = Objects.requireNonNull(shells);
    }

    public synchronized void start() throws IOException {
        var hostKey = HostKey.loadOrCreate(settings.hostKey());
        hostKeyFingerprint = AuthorizedKeys.fingerprint(hostKey.getPublic());
        keys.current(); // log the file's problems now, not at the first login
        var s = SshServer.setUpDefaultServer();
        s.setHost(settings.listen().getHostString());
        s.setPort(settings.listen().getPort());
        s.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        s.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        s.setPublickeyAuthenticator(new KeyAuthenticator(keys, throttle));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        s.setSubsystemFactories(List.of());
        s.setShellFactory(channel -> new ShellCommand(shells));
        s.setCommandFactory((channel, line) -> new ExecCommand(line, cli));
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(s, 6);
        CoreModuleProperties.AUTH_TIMEOUT.set(s, Duration.ofSeconds(30));
        // a dashboard on a wall screen may see no traffic for hours; dead peers are found by TCP keepalive
        CoreModuleProperties.IDLE_TIMEOUT.set(s, Duration.ZERO);
        CoreModuleProperties.SOCKET_KEEPALIVE.set(s, true);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(s, "VigilConsole");
        s.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                // Refused before the SSH handshake: an address serving its delay gets no chance to try
                // anything, and the refusal itself does not count as another failure.
                var wait = address(session).map(ConsoleServer.this::addressWait).orElse(Duration.ZERO);
                if (!wait.isZero()) {
                    session.setAttribute(THROTTLED, Boolean.TRUE);
                    log.debug("console: {} must wait {} ms after failed logins; connection closed", remote(session),
                            wait.toMillis());
                    session.close(true);
                }
            }

            @Override
            public void sessionEvent(Session session, Event event) {
                if (event == Event.Authenticated) {
                    var op = session.getAttribute(KeyAuthenticator.OPERATOR);
                    address(session).ifPresent(throttle::succeeded);
                    if (op != null) {
                        throttle.succeeded(new FailureThrottle.KeyId(op.keyFingerprint()));
                        log.info("console: {} logged in from {} with key {} ({}) as {}", op.user(), remote(session),
                                op.keyFingerprint(), op.keyComment(), op.role().configName());
                    }
                }
            }

            @Override
            public void sessionClosed(Session session) {
                if (session instanceof ServerSession ss && !ss.isAuthenticated()
                        && session.getAttribute(THROTTLED) == null) {
                    var refused = session.getAttribute(KeyAuthenticator.REFUSED_KEYS);
                    var throttled = session.getAttribute(KeyAuthenticator.THROTTLED_KEYS);
                    var user = java.util.Objects.requireNonNullElse(session.getAttribute(KeyAuthenticator.USER), "unknown");
                    if (refused != null && !refused.isEmpty()) {
                        // Once a key is offered, the key pays: not the address every local user shares.
                        var waits = new java.util.ArrayList<String>();
                        for (var fingerprint : refused) {
                            var wait = throttle.failed(new FailureThrottle.KeyId(fingerprint));
                            if (!wait.isZero()) waits.add(fingerprint + " waits " + wait.toSeconds() + " s");
                        }
                        log.warn("console: {} left without logging in (user {}, keys not in {}: {}{}); {}", remote(session),
                                user, keys.path(), refused,
                                throttled == null ? "" : "; throttled keys refused unread: " + throttled,
                                waits.isEmpty() ? "no delay yet" : "its next try with " + String.join(", ", waits));
                    } else if (throttled != null && !throttled.isEmpty()) {
                        log.warn("console: {} refused (user {}): key {} is throttled after repeated failed logins;"
                                + " other keys from this address are not", remote(session), user, String.join(", ", throttled));
                    } else {
                        var wait = address(session).map(a -> throttle.failed(a, ADDRESS_MAX_WAIT)).orElse(Duration.ZERO);
                        log.warn("console: {} left without logging in (user {}, no key offered (passwords are not accepted));"
                                + " {}", remote(session), user,
                                wait.isZero() ? "no delay yet" : "its next connection waits " + wait.toSeconds() + " s");
                    }
                }
            }
        });
        s.start();
        server = s;
        log.info("console: listening on {}:{}; host key {} ({})", settings.listen().getHostString(), s.getPort(),
                hostKeyFingerprint, settings.hostKey());
    }

    /**
     * Sessions that offered no key can only be told apart by address, which all local users
     * share with the default listen address: their penalty is bounded by this, short enough that
     * it cannot be used to keep everyone else out for long.
     */
    static final Duration ADDRESS_MAX_WAIT = Duration.ofSeconds(5);

    private Duration addressWait(java.net.InetAddress address) {
        var wait = throttle.waitFor(address);
        return wait.compareTo(ADDRESS_MAX_WAIT) > 0 ? ADDRESS_MAX_WAIT : wait; // recorded capped already
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getPort();
    }

    public synchronized String hostKeyFingerprint() {
        return hostKeyFingerprint;
    }

    private static java.util.Optional<java.net.InetAddress> address(Session session) {
        return session.getRemoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? java.util.Optional.of(a.getAddress()) : java.util.Optional.empty();
    }

    private static String remote(Session session) {
        return address(session).map(java.net.InetAddress::getHostAddress).orElse(String.valueOf(session.getRemoteAddress()));
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }
}
