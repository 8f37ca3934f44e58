package dev.vigil.watchdog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * A Linux watchdog device, through its file contract alone (Documentation/watchdog/watchdog-api.rst):
 * opening it starts the timer, every write pets it, and a write holding 'V' followed by close
 * disarms it (unless the driver has nowayout); a close without 'V' leaves it armed, so a crashed
 * agent is reset too.
 *
 * <p>Java 17 cannot call ioctl (no WDIOC_SETTIMEOUT/GETTIMEOUT without JNA or a native helper).
 * Vigil does not set the timeout: the operator sets it where the driver takes it (softdog's
 * {@code soft_margin}, a driver's {@code timeout} or {@code heartbeat} module option) and the agent
 * refuses to start when the driver's timeout, as sysfs shows it, differs from the configured one:
 * the rest of the cluster waits by the configured one. A FIFO stands in for a device where there is
 * none (the test bed; docs/fencing.md): it has no timeout of its own, its reader is told one.
 */
public final class WatchdogDevice implements AutoCloseable {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;
    private static final ByteBuffer PET = ByteBuffer.wrap(new byte[] {'.'}).asReadOnlyBuffer();

    private final Path path;
    private final boolean standIn;
    private FileChannel channel;

    private WatchdogDevice(Path path, boolean standIn) {
        this.path = path;
        this.standIn = standIn;
    }

    /**
     * Checks that {@code path} is a watchdog whose timeout is {@code timeout}, without opening it
     * (opening arms it). {@code sysfs} is {@code /sys/class/watchdog} outside tests.
     */
    public static WatchdogDevice check(Path path, Duration timeout, Path sysfs) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException e) {
            throw new IOException("watchdog device " + path + " cannot be used: " + e
                    + " (load a driver, e.g. modprobe softdog soft_margin=" + timeout.toSeconds() + ")", e);
        }
        if ((mode & S_IFMT) == S_IFIFO) {
            return new WatchdogDevice(path, true);
        }
        if ((mode & S_IFMT) != S_IFCHR) {
            throw new IOException("watchdog device " + path + " is neither a character device nor a stand-in's FIFO");
        }
        Optional<Duration> driver = driverTimeout(path, sysfs);
        if (driver.isEmpty()) {
            throw new IOException("the timeout of watchdog device " + path + " cannot be read from " + sysfs
                    + "/<device>/timeout, so it cannot be checked against watchdog timeout "
                    + timeout.toSeconds() + "s");
        }
        if (!driver.get().equals(timeout)) {
            throw new IOException("watchdog device " + path + " has a timeout of " + driver.get().toSeconds()
                    + "s but the cluster file says " + timeout.toSeconds() + "s; the other nodes wait by the "
                    + "cluster file, so the two must agree: set the driver's timeout (e.g. softdog soft_margin="
                    + timeout.toSeconds() + ") or change watchdog: timeout");
        }
        return new WatchdogDevice(path, false);
    }

    /** /dev/watchdog is the first device, watchdog0; /dev/watchdogN is watchdogN. */
    static Optional<Duration> driverTimeout(Path device, Path sysfs) throws IOException {
        String name = device.toRealPath().getFileName().toString();
        if (name.equals("watchdog")) {
            name = "watchdog0";
        }
        Path file = sysfs.resolve(name).resolve("timeout");
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(Files.readString(file).trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path path() {
        return path;
    }

    /** A FIFO that a stand-in reads, not a kernel device. */
    public boolean standIn() {
        return standIn;
    }

    /** Opens it: the timer runs from here. A stand-in's FIFO blocks until its reader is there. */
    public void arm() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
    }

    public boolean armed() {
        return channel != null;
    }

    public void pet() throws IOException {
        channel.write(PET.duplicate());
    }

    /** The magic close: disarms the timer (a clean shutdown only). */
    public void disarm() throws IOException {
        if (channel == null) return;
        try {
            channel.write(ByteBuffer.wrap(new byte[] {'V'}));
        } finally {
            channel.close();
            channel = null;
        }
    }

    /** Closes without disarming: the timer runs on and resets the node. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
