package dev.vigil.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which files are watchdogs, and the timeout check against sysfs (Java cannot ask the driver by
 * ioctl). A character device is made with mknod in a temp directory, so that test needs root.
 */
class WatchdogDeviceTest {
    @TempDir
    Path dir;

    @Test
    void aCharacterDeviceWhoseDriverTimeoutDiffersIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mknod needs root");
        Path dev = dir.resolve("watchdog3");
        // major 1 minor 3 is /dev/null: a character device that accepts writes, never a real watchdog
        assertThat(new ProcessBuilder("mknod", dev.toString(), "c", "1", "3").start().waitFor()).isZero();
        Path sysfs = dir.resolve("sys");
        Files.createDirectories(sysfs.resolve("watchdog3"));
        Files.writeString(sysfs.resolve("watchdog3/timeout"), "60\n");

        assertThatThrownBy(() -> WatchdogDevice.check(dev, Duration.ofSeconds(10), sysfs))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("has a timeout of 60s but the cluster file says 10s")
                .hasMessageContaining("softdog soft_margin=10");
        var ok = WatchdogDevice.check(dev, Duration.ofSeconds(60), sysfs);
        assertThat(ok.standIn()).isFalse();

        Files.delete(sysfs.resolve("watchdog3/timeout"));
        assertThatThrownBy(() -> WatchdogDevice.check(dev, Duration.ofSeconds(60), sysfs))
                .hasMessageContaining("cannot be read from");
    }

    @Test
    void aRegularFileOrNothingIsNoWatchdog() throws Exception {
        Path file = Files.writeString(dir.resolve("watchdog"), "");
        assertThatThrownBy(() -> WatchdogDevice.check(file, Duration.ofSeconds(10), dir))
                .hasMessageContaining("is neither a character device nor a stand-in's FIFO");
        assertThatThrownBy(() -> WatchdogDevice.check(dir.resolve("none"), Duration.ofSeconds(10), dir))
                .hasMessageContaining("cannot be used").hasMessageContaining("modprobe softdog soft_margin=10");
    }
}
