package dev.vigil.playbook.ssh;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Strict host-key checking against a known_hosts file, as OpenSSH's {@code StrictHostKeyChecking=yes},
 * or {@code accept-new} (an unknown key is added to the file; a changed one is still refused).
 * MINA's verifier does the matching (plain and hashed names, {@code [host]:port}, {@code @revoked});
 * this class only remembers why it refused, so that the report can say it and what to do.
 */
final class HostKeys extends KnownHostsServerKeyVerifier {
    /** Hosts are connected in parallel, each with its own verifier, and may share one known_hosts file. */
    private static final Object FILE_LOCK = new Object();

    private final SshTarget target;
    private volatile String refusal;

    HostKeys(SshTarget target) {
        // The delegate decides about keys known_hosts does not hold.
        super(target.acceptNew() ? AcceptAllServerKeyVerifier.INSTANCE : RejectAllServerKeyVerifier.INSTANCE,
                target.knownHosts());
        this.target = target;
    }

    /** Why the host's key was refused, if it was. */
    Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    private String entryName() {
        return target.port() == 22 ? target.address() : "[" + target.address() + "]:" + target.port();
    }

    @Override
    protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
        boolean ok = super.acceptUnknownHostKey(session, remote, key);
        if (!ok) {
            refusal = "host key unknown: " + entryName() + " offers " + KeyUtils.getKeyType(key) + " key "
                    + KeyUtils.getFingerPrint(key) + ", which " + target.knownHosts() + " does not hold. Check the"
                    + " fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then run again with"
                    + " --accept-new, or add the key with: ssh-keyscan -p " + target.port() + " " + target.address()
                    + " >> " + target.knownHosts();
        }
        return ok;
    }

    @Override
    public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
                                           PublicKey expected, PublicKey actual) {
        refusal = "host key CHANGED: " + entryName() + " now offers " + KeyUtils.getKeyType(actual) + " key "
                + KeyUtils.getFingerPrint(actual) + ", but " + target.knownHosts() + " holds "
                + KeyUtils.getFingerPrint(expected) + " for it. Someone may be intercepting the connection, or the"
                + " host was reinstalled; if you are sure it is the latter, remove the old key with: ssh-keygen -R '"
                + entryName() + "' -f " + target.knownHosts() + " (--accept-new never replaces a changed key)";
        return false;
    }

    @Override
    protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey key) {
        refusal = "host key REVOKED: " + entryName() + " offers " + KeyUtils.getFingerPrint(key) + ", marked @revoked in "
                + target.knownHosts();
        super.handleRevokedKey(session, remote, key);
    }

    @Override
    protected KnownHostEntry updateKnownHostsFile(ClientSession session, SocketAddress remote, PublicKey key,
                                                  java.nio.file.Path file, java.util.Collection<HostEntryPair> known)
            throws Exception {
        synchronized (FILE_LOCK) {
            return super.updateKnownHostsFile(session, remote, key, file, known);
        }
    }
}
