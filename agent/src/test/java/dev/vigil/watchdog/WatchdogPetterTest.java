package dev.vigil.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.FakeClock;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The petting rule against a FIFO with a reader, as the bed's stand-in reads it: armed at the first
 * quorate moment, one byte per pet, nothing while quorum is lost or a thread it watches stands still,
 * 'V' and close on a clean shutdown. A fake clock: no sleeps.
 */
class WatchdogPetterTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final Duration DEADTIME = Duration.ofSeconds(2);
    private static final Duration COORDINATION = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private Path fifo;
    private final BlockingQueue<Integer> read = new LinkedBlockingQueue<>();
    private Thread reader;
    private final FakeClock clock = new FakeClock();
    private final AtomicReference<WatchdogPetter.Signals> signals =
            new AtomicReference<>(new WatchdogPetter.Signals(false, 0, 0));

    @BeforeEach
    void fifoWithAReader() throws Exception {
        fifo = dir.resolve("watchdog");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        reader = new Thread(() -> {
            try (var in = new FileInputStream(fifo.toFile())) {
                int b;
                while ((b = in.read()) >= 0) read.add(b);
                read.add(-1); // the writer closed
            } catch (IOException e) {
                read.add(-2);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    @AfterEach
    void stopReader() throws Exception {
        if (reader.isAlive()) {
            new java.io.FileOutputStream(fifo.toFile()).close(); // a reader still opening the FIFO: let it go
        }
        reader.join(5000);
    }

    @Test
    void petsOnlyWhileQuorateAndWhileTheSenderAndTheCoordinationMove() throws Exception {
        var device = WatchdogDevice.check(fifo, TIMEOUT, dir.resolve("no-sysfs"));
        assertThat(device.standIn()).isTrue();
        var petter = new WatchdogPetter(device, TIMEOUT, DEADTIME, COORDINATION, signals::get, clock);

        petter.tick();
        assertThat(device.armed()).as("not armed before the node was ever quorate").isFalse();
        assertThat(petter.snapshot().state()).isEqualTo("waiting");
        assertThat(petter.snapshot().reason()).isEqualTo("not quorate yet");

        progress(true);
        petter.tick();
        assertThat(next()).isEqualTo('.');
        assertThat(petter.snapshot().state()).isEqualTo("petting");

        progress(false);
        petter.tick();
        assertThat(petter.snapshot().state()).isEqualTo("not-petting");
        assertThat(petter.snapshot().reason()).isEqualTo("quorum lost");

        progress(true);
        petter.tick();
        assertThat(next()).as("quorum back before the reset: petting again").isEqualTo('.');

        // The sender stands still past deadtime while the coordination moves on.
        clock.advance(DEADTIME.plusMillis(1));
        signals.set(new WatchdogPetter.Signals(true, signals.get().beatsSent(), signals.get().coordinationSteps() + 1));
        petter.tick();
        assertThat(petter.snapshot().reason()).startsWith("no heartbeat sent for 2001 ms");

        // The coordination loop stands still past its limit while the sender beats.
        progress(true);
        petter.tick();
        assertThat(next()).isEqualTo('.');
        clock.advance(COORDINATION.plusMillis(1));
        signals.set(new WatchdogPetter.Signals(true, signals.get().beatsSent() + 1, signals.get().coordinationSteps()));
        petter.tick();
        assertThat(petter.snapshot().reason()).startsWith("the coordination loop has not run for 3001 ms");
        assertThat(petter.snapshot().sinceLastPet()).contains(COORDINATION.plusMillis(1));

        petter.close();
        assertThat(next()).as("the magic close").isEqualTo('V');
        assertThat(next()).as("then closed").isEqualTo(-1);
        assertThat(read).as("not one pet while unhealthy").isEmpty();
        assertThat(petter.snapshot().state()).isEqualTo("disarmed");
    }

    @Test
    void aCleanShutdownBeforeArmingNeverOpensTheDevice() throws Exception {
        var petter = new WatchdogPetter(WatchdogDevice.check(fifo, TIMEOUT, dir), TIMEOUT, DEADTIME, COORDINATION,
                signals::get, clock);
        petter.tick();
        petter.close();
        assertThat(read.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void petsFourTimesPerTimeoutAtMostOncePerSecond() {
        assertThat(WatchdogPetter.petInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500));
        assertThat(WatchdogPetter.petInterval(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(1));
    }

    private void progress(boolean quorate) {
        var s = signals.get();
        signals.set(new WatchdogPetter.Signals(quorate, s.beatsSent() + 1, s.coordinationSteps() + 1));
    }

    private int next() throws InterruptedException {
        Integer b = read.poll(5, TimeUnit.SECONDS);
        assertThat(b).as("a byte from the FIFO within 5 s").isNotNull();
        return b;
    }
}
