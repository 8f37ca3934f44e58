package dev.vigil.transport.serial;

import com.fazecast.jSerialComm.SerialPort;
import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A heartbeat link over a null-modem cable: frames packets with {@link SerialFrameCodec} and
 * survives the cable (or a USB adapter, or a test's socat) going away and coming back.
 *
 * <p>Two threads: the reader owns the port's lifecycle (open, lose, reopen) and the decoder; the
 * writer drains a tiny queue so that {@link #send} never waits on a stuck line. The device is
 * always reopened by the configured path, because a udev or socat symlink may point at a new
 * device node after the line comes back.
 *
 * <p>The configured baud rate is applied but nothing here depends on it: ptys ignore it.
 */
public final class SerialTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(SerialTransport.class);

    /** How often the reader wakes to notice {@link #close}. */
    static final Duration READ_TIMEOUT = Duration.ofMillis(100);
    /** A write taking longer than this means the line is stuck; the frame is dropped. */
    static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
    static final Duration REOPEN_BACKOFF_MIN = Duration.ofMillis(200);
    static final Duration REOPEN_BACKOFF_MAX = Duration.ofSeconds(2);
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(2);
    /** Heartbeats are periodic: a stale beat stuck behind a slow line is worth less than a fresh one. */
    static final int SEND_QUEUE_FRAMES = 4;

    private final int linkIndex;
    private final String linkName;
    private final String devicePath;
    private final int baud;
    private final Drops drops;

    private final BlockingQueue<byte[]> outbound = new ArrayBlockingQueue<>(SEND_QUEUE_FRAMES);
    /** Held while writing and while closing, so a port is never closed under a write. */
    private final Object portLock = new Object();
    /** The open port, or null while the link is down. Only the reader thread (and close) replaces it. */
    private volatile SerialPort port;
    private volatile boolean running;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong reopens = new AtomicLong();
    private Thread reader;
    private Thread writer;
    private volatile InboundHandler handler;

    /** What {@link #start} does when the device cannot be opened. */
    public enum WhenAbsent {
        /** Throw: a test of the line itself wants to know at once. */
        FAIL,
        /** Start with the link down and keep retrying: the agent must not lose its other links. */
        RETRY
    }

    private final WhenAbsent whenAbsent;

    public SerialTransport(int linkIndex, String linkName, String devicePath, int baud, Drops drops) {
        this(linkIndex, linkName, devicePath, baud, drops, WhenAbsent.FAIL);
    }

    public SerialTransport(int linkIndex, String linkName, String devicePath, int baud, Drops drops,
                           WhenAbsent whenAbsent) {
        this.whenAbsent = Objects.requireNonNull(whenAbsent);
        if (baud <= 0) {
            throw new IllegalArgumentException("baud must be positive: " + baud);
        }
        this.linkIndex = linkIndex;
        this.linkName = Objects.requireNonNull(linkName);
        this.devicePath = Objects.requireNonNull(devicePath);
        this.baud = baud;
        this.drops = Objects.requireNonNull(drops);
    }

    @Override
    public int linkIndex() {
        return linkIndex;
    }

    @Override
    public String linkName() {
        return linkName;
    }

    public String devicePath() {
        return devicePath;
    }

    /**
     * Opens the device and starts the reader and writer. A device that cannot be opened now
     * either fails the start or, with {@link WhenAbsent#RETRY}, is logged as an error and retried
     * in the background like a device lost later.
     *
     * @throws IOException with {@link WhenAbsent#FAIL}, if the device cannot be opened now
     */
    @Override
    public void start(InboundHandler receiver) throws IOException {
        Objects.requireNonNull(receiver);
        if (closed.get()) {
            throw new IllegalStateException("serial link " + linkName + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("serial link " + linkName + " already started");
        }
        this.handler = receiver;
        try {
            port = open();
        } catch (IOException e) {
            if (whenAbsent == WhenAbsent.FAIL) {
                started.set(false);
                throw e;
            }
            LOG.error("serial link {}: {}; the link stays down and the device is retried in the background",
                    linkName, e.getMessage());
            port = null;
        }
        running = true;
        reader = new Thread(this::readLoop, "vigil-serial-" + linkName);
        reader.setDaemon(true);
        writer = new Thread(this::writeLoop, "vigil-serial-" + linkName + "-tx");
        writer.setDaemon(true);
        reader.start();
        writer.start();
        if (port != null) {
            LOG.info("serial link {} open on {} at {} baud", linkName, devicePath, baud);
        }
    }

    @Override
    public void send(byte[] packet) {
        if (!running) {
            drops.drop("serial-send-failed", "serial link " + linkName + " is not running");
            return;
        }
        if (packet.length > SerialFrameCodec.MAX_PAYLOAD) {
            drops.drop("serial-send-failed", packet.length + "-byte packet too large for serial link " + linkName);
            return;
        }
        if (port == null) {
            drops.drop("serial-send-failed", "serial link " + linkName + " is down");
            return;
        }
        if (!outbound.offer(SerialFrameCodec.encode(packet))) {
            drops.drop("serial-send-failed", "serial link " + linkName + " is stuck: "
                    + SEND_QUEUE_FRAMES + " frames already waiting");
        }
    }

    /** Whether the device is open right now (false between a loss and the reopen). */
    public boolean isUp() {
        return port != null;
    }

    public long framesReceived() {
        return framesReceived.get();
    }

    public long framesSent() {
        return framesSent.get();
    }

    /** How many times the device was reopened after a loss. */
    public long reopens() {
        return reopens.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        // The reader is in a native read bounded by READ_TIMEOUT, or sleeping in backoff
        // (which the interrupt cuts short); the writer is in an interruptible poll or a bounded write.
        for (Thread t : new Thread[] {reader, writer}) {
            if (t != null) {
                t.interrupt();
            }
        }
        for (Thread t : new Thread[] {reader, writer}) {
            if (t != null) {
                try {
                    t.join(JOIN_TIMEOUT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.isAlive()) {
                    LOG.warn("serial link {}: thread {} did not stop within {}", linkName, t.getName(), JOIN_TIMEOUT);
                }
            }
        }
        synchronized (portLock) {
            var p = port;
            port = null;
            if (p != null) {
                p.closePort();
            }
        }
        outbound.clear();
    }

    private SerialPort open() throws IOException {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(devicePath);
        } catch (RuntimeException e) { // SerialPortInvalidPortException and friends
            throw new IOException("no serial device " + devicePath + ": " + e.getMessage(), e);
        }
        p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                (int) READ_TIMEOUT.toMillis(), (int) WRITE_TIMEOUT.toMillis());
        // No safety sleep: that exists for boards that reset when the port opens.
        if (!p.openPort(0)) {
            throw new IOException("cannot open serial device " + devicePath + " (errno " + p.getLastErrorCode() + ")");
        }
        // getLastErrorCode() is now often 25 (ENOTTY) on a pty, from an ioctl ptys lack; the
        // open itself succeeded, so it is deliberately not checked.
        // Whatever the kernel buffered while nobody had the port open is stale: old heartbeats
        // (or an earlier serial-test's probes) must not be delivered as if they had just arrived.
        p.flushIOBuffers();
        return p;
    }

    private void readLoop() {
        byte[] chunk = new byte[2048];
        var decoder = new SerialFrameCodec.Decoder(this::deliver, SerialFrameCodec.DropListener.counting(drops, devicePath));
        while (running) {
            SerialPort p = port;
            if (p == null) {
                if (reopenWithBackoff() == null) {
                    break;
                }
                // The tail of a frame cut by the loss will never come.
                decoder.discardPending();
                continue;
            }
            int n;
            try {
                n = p.readBytes(chunk, chunk.length);
            } catch (RuntimeException e) {
                LOG.debug("serial link {}: read failed", linkName, e);
                n = -1;
            }
            if (n > 0) {
                try {
                    decoder.feed(chunk, 0, n);
                } catch (RuntimeException e) { // only from the handler, which deliver() already guards
                    LOG.error("serial link {}: decoder failed", linkName, e);
                }
            } else if (n < 0 && running) {
                // A pty whose other end vanished returns EIO (5) on every read while isOpen()
                // stays true, so the port must be closed and reopened, not just read again.
                linkLost(p, "read failed (errno " + p.getLastErrorCode() + ")");
            }
        }
    }

    private void deliver(byte[] payload) {
        framesReceived.incrementAndGet();
        try {
            handler.onPacket(linkIndex, payload, devicePath);
        } catch (RuntimeException e) {
            LOG.error("serial link {}: packet handler failed", linkName, e);
        }
    }

    private void linkLost(SerialPort p, String why) {
        synchronized (portLock) {
            if (port == p) {
                port = null;
            }
            p.closePort();
        }
        LOG.warn("serial link {} lost on {}: {}; reopening", linkName, devicePath, why);
    }

    /** @return the reopened port, or null if the transport was closed first */
    private SerialPort reopenWithBackoff() {
        Duration backoff = REOPEN_BACKOFF_MIN;
        String lastFailure = null;
        while (running) {
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return null; // only close() interrupts
            }
            if (!running) {
                return null;
            }
            SerialPort p;
            try {
                p = open();
            } catch (IOException e) {
                if (!e.getMessage().equals(lastFailure)) {
                    LOG.debug("serial link {}: reopen failed: {}", linkName, e.getMessage());
                    lastFailure = e.getMessage();
                }
                backoff = backoff.multipliedBy(2).compareTo(REOPEN_BACKOFF_MAX) > 0 ? REOPEN_BACKOFF_MAX : backoff.multipliedBy(2);
                continue;
            }
            synchronized (portLock) {
                if (!running) {
                    p.closePort();
                    return null;
                }
                port = p;
            }
            reopens.incrementAndGet();
            LOG.info("serial link {} reopened on {}", linkName, devicePath);
            return p;
        }
        return null;
    }

    private void writeLoop() {
        while (running) {
            byte[] frame;
            try {
                frame = outbound.poll(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return; // only close() interrupts
            }
            if (frame == null) {
                continue;
            }
            synchronized (portLock) {
                SerialPort p = port;
                if (p == null) {
                    drops.drop("serial-send-failed", "serial link " + linkName + " is down");
                    continue;
                }
                int n;
                long t0 = System.nanoTime();
                try {
                    n = p.writeBytes(frame, frame.length);
                } catch (RuntimeException e) {
                    n = -1;
                }
                long tookMicros = (System.nanoTime() - t0) / 1_000;
                if (tookMicros > 20_000) {
                    LOG.debug("serial link {}: writing {} bytes took {} us", linkName, frame.length, tookMicros);
                }
                if (n == frame.length) {
                    framesSent.incrementAndGet();
                } else {
                    // A partial write leaves a cut frame on the line; the peer's decoder resyncs.
                    drops.drop("serial-send-failed", "serial link " + linkName + ": wrote " + n + " of "
                            + frame.length + " bytes (errno " + p.getLastErrorCode() + ")");
                }
            }
        }
    }
}
