package dev.vigil.playbook.ssh;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A host that could not be reached: every operation fails with the reason, so that the engine
 * reports the host as failed at its first step (with that reason) while the other hosts go on.
 */
public record UnreachableHost(String name, String reason) implements Host {
    private IOException fail() {
        return new IOException(reason);
    }

    @Override
    public Exec shell(String command, Duration timeout) throws IOException {
        throw fail();
    }

    @Override
    public Kind kind(String path) throws IOException {
        throw fail();
    }

    @Override
    public byte[] read(String path, int limit) throws IOException {
        throw fail();
    }

    @Override
    public void write(String path, byte[] content, Optional<Integer> mode) throws IOException {
        throw fail();
    }

    @Override
    public int mode(String path) throws IOException {
        throw fail();
    }

    @Override
    public void chmod(String path, int mode) throws IOException {
        throw fail();
    }

    @Override
    public void mkdirs(String path, Optional<Integer> mode) throws IOException {
        throw fail();
    }

    @Override
    public List<String> list(String dir, int limit) throws IOException {
        throw fail();
    }

    @Override
    public void delete(String path) throws IOException {
        throw fail();
    }
}
