package dev.vigil.playbook.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Opens one SSH session to a host with Apache MINA SSHD's client: public-key authentication with
 * the target's keys, strict host-key checking ({@link HostKeys}), keepalives. Every failure comes
 * back as an {@link Unreachable} whose message says why in words an operator can act on.
 */
public final class SshConnect {
    /** Keepalive every 5 s; 3 unanswered ones (about 20 s) close the session. */
    static final Duration KEEPALIVE = Duration.ofSeconds(5);
    static final int KEEPALIVE_MISSES = 3;

    private SshConnect() {}

    /** A host that could not be reached, and why. */
    public static final class Unreachable extends IOException {
        Unreachable(String message) {
            super(message);
        }
    }

    public static SshHost connect(SshTarget t) throws Unreachable {
        var keys = loadKeys(t);
        SshClient client = SshClient.setUpDefaultClient();
        var verifier = new HostKeys(t);
        client.setServerKeyVerifier(verifier);
        preferKnownKeyTypes(client, t);
        t.agent().ifPresent(a -> client.setAgentFactory(new UnixAgent.Factory(a)));
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, KEEPALIVE);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, KEEPALIVE_MISSES);
        // A long quiet command (a package install) is not idleness; keepalives find dead hosts.
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        if (t.acceptNew()) {
            try {
                Files.createDirectories(t.knownHosts().toAbsolutePath().getParent());
            } catch (IOException e) {
                // MINA reports the failed update; the key is still accepted for this run
            }
        }
        client.start();
        ClientSession session = null;
        try {
            session = client.connect(t.user(), t.address(), t.port()).verify(t.connectTimeout()).getSession();
            for (KeyPair k : keys) session.addPublicKeyIdentity(k);
            session.auth().verify(t.connectTimeout());
            return new SshHost(t, client, session);
        } catch (IOException | RuntimeException e) {
            if (session != null) session.close(true);
            client.stop();
            throw new Unreachable(t.name() + " unreachable (" + t.where() + "): "
                    + why(e, t, verifier, keys.isEmpty() && t.agent().isEmpty()));
        }
    }

    private static String why(Throwable e, SshTarget t, HostKeys verifier, boolean noKeys) {
        if (verifier.refusal().isPresent()) return verifier.refusal().get();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) return "connection refused (no SSH server listens on port " + t.port() + ")";
            if (c instanceof NoRouteToHostException) return "no route to host";
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "unknown host name " + t.address();
            }
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("No more authentication methods")) {
            return noKeys ? "authentication failed: no key to offer (no ~/.ssh/id_ed25519, id_ecdsa or id_rsa, no `key:` in the inventory, no ssh-agent)"
                    : "authentication failed: the host accepted none of the keys " + t.keys()
                            + t.agent().map(a -> " nor those of ssh-agent (" + a + ")").orElse("")
                            + " for user " + t.user() + " (is the public key in its ~/.ssh/authorized_keys?)";
        }
        if (m.toLowerCase(java.util.Locale.ROOT).contains("timeout") || m.contains("timed out")) {
            return "no answer within " + t.connectTimeout().toSeconds() + "s (connection timed out)";
        }
        return m;
    }

    /** The target's private keys; an unreadable or passphrase-protected key is refused by name. */
    static List<KeyPair> loadKeys(SshTarget t) throws Unreachable {
        var out = new ArrayList<KeyPair>();
        for (Path p : t.keys()) {
            if (!Files.isReadable(p)) throw new Unreachable(t.name() + ": cannot read the SSH key " + p);
            var provider = new FileKeyPairProvider(p);
            provider.setPasswordFinder(FilePasswordProvider.EMPTY);
            int before = out.size();
            try {
                for (KeyPair k : provider.loadKeys(null)) out.add(k);
                if (out.size() == before) throw new IllegalArgumentException("it holds no private key without a passphrase");
            } catch (Exception e) { // MINA's loader wraps what it meets in runtime exceptions
                throw new Unreachable(t.name() + ": cannot load the SSH key " + p + " (" + e.getMessage()
                        + "); a key with a passphrase must be given through ssh-agent (ssh-add it; SSH_AUTH_SOCK)");
            }
        }
        return out;
    }

    /**
     * Asks first for the host-key types known_hosts holds for this host, as OpenSSH does: a host
     * known by its RSA key is then checked against that key, rather than offering its ed25519 key
     * and being refused as changed.
     */
    static void preferKnownKeyTypes(SshClient client, SshTarget t) {
        Set<String> known = knownKeyTypes(t);
        if (known.isEmpty()) return;
        var sigs = new ArrayList<>(client.getSignatureFactories());
        sigs.sort(Comparator.comparingInt(f -> known.contains(KeyUtils.getCanonicalKeyType(f.getName())) ? 0 : 1));
        client.setSignatureFactories(sigs);
    }

    static Set<String> knownKeyTypes(SshTarget t) {
        if (!Files.isRegularFile(t.knownHosts())) return Set.of();
        try {
            return KnownHostEntry.readKnownHostEntries(t.knownHosts()).stream()
                    .filter(e -> e.getMarker() == null && e.getKeyEntry() != null && e.isHostMatch(t.address(), t.port()))
                    .map(e -> KeyUtils.getCanonicalKeyType(e.getKeyEntry().getKeyType()))
                    .collect(Collectors.toSet());
        } catch (IOException | RuntimeException e) {
            return Set.of(); // the verifier reads the file again and reports what is wrong with it
        }
    }
}
