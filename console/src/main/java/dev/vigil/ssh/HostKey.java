package dev.vigil.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The console's ed25519 host key: created on first start (mode 0600, OpenSSH format, with a
 * {@code .pub} next to it for operators' known_hosts) and read back on every later start, so
 * clients see the same key each time. A key file readable by group or others is refused, as
 * OpenSSH refuses an unprotected private key.
 */
public final class HostKey {
    private HostKey() {}

    public static KeyPair loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return load(file);
        }
        return create(file);
    }

    static KeyPair load(Path file) throws IOException {
        var perms = Files.getPosixFilePermissions(file);
        for (var p : perms) {
            if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                throw new IOException(file + ": host key is readable by others (" + PosixFilePermissions.toString(perms)
                        + "); `chmod 600 " + file + "` or remove it to make a new one");
            }
        }
        try (InputStream in = new java.io.ByteArrayInputStream(
                dev.vigil.config.BoundedFile.readBytes(file, dev.vigil.config.BoundedFile.KEY_FILE_LIMIT, "host key file"))) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in,
                    FilePasswordProvider.EMPTY);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new IOException(file + ": no private key in it; remove it to make a new one");
            }
            return it.next();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not a readable OpenSSH private key (" + e.getMessage()
                    + "); remove it to make a new one", e);
        }
    }

    static KeyPair create(Path file) throws IOException {
        KeyPair pair;
        try {
            pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make an ed25519 host key (is net.i2p.crypto:eddsa on the classpath?): "
                    + e.getMessage(), e);
        }
        // AtomicFile: written under a temporary name with 0600 from the start, then moved: never
        // readable by others, never half-written, and no temp file left when the write fails
        var key = new java.io.ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "vigil-console", null, key);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the host key " + file + ": " + e.getMessage(), e);
        }
        dev.vigil.config.AtomicFile.write(file, key.toByteArray());
        dev.vigil.config.AtomicFile.write(file.resolveSibling(file.getFileName() + ".pub"),
                (PublicKeyEntry.toString(pair.getPublic()) + " vigil-console\n").getBytes(StandardCharsets.UTF_8));
        return pair;
    }
}
