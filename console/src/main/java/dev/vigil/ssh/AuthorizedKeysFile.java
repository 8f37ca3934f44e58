package dev.vigil.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorized_keys file as it is now: re-read when it changes (like OpenSSH, which reads it at
 * every login), so adding or removing a key needs no restart. Problems are logged once per
 * version of the file, each naming file:line:column. A file that others may write grants nothing,
 * for the reason OpenSSH's StrictModes gives: anyone who can write it can let themselves in.
 */
public final class AuthorizedKeysFile {
    private static final Logger log = LoggerFactory.getLogger(AuthorizedKeysFile.class);

    private final Path file;
    private Object version;
    private AuthorizedKeys current = AuthorizedKeys.empty();

    public AuthorizedKeysFile(Path file) {
        this.file = Objects.requireNonNull(file);
    }

    public Path path() {
        return file;
    }

    public synchronized AuthorizedKeys current() {
        BasicFileAttributes attrs;
        Set<PosixFilePermission> perms;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            if (!"missing".equals(version)) {
                log.warn("console: {} does not exist; no key may log in until it does", file);
                version = "missing";
                current = AuthorizedKeys.empty();
            }
            return current;
        } catch (IOException e) {
            log.error("console: cannot read {}: {}; no key may log in", file, e.getMessage());
            version = null;
            current = AuthorizedKeys.empty();
            return current;
        }
        var seen = java.util.List.of(attrs.lastModifiedTime(), attrs.size(), String.valueOf(attrs.fileKey()), perms);
        if (seen.equals(version)) {
            return current;
        }
        version = seen;
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            log.error("console: {} is writable by group or others; no key may log in until `chmod go-w {}`", file, file);
            current = AuthorizedKeys.empty();
            return current;
        }
        try {
            current = AuthorizedKeys.load(file);
        } catch (IOException e) {
            log.error("console: cannot read {}: {}; no key may log in", file, e.getMessage());
            version = null;
            current = AuthorizedKeys.empty();
            return current;
        }
        current.problems().forEach(p -> log.warn("console: {}", p));
        log.info("console: {} key(s) from {}", current.keys().size(), file);
        return current;
    }
}
