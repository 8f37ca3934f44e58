package dev.vigil.drillroom;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/** Something slow (an agent asked, a file read over the network) worked out on a thread of its own: the screen never waits. */
final class Background<T> {
    private volatile T value;
    private volatile String error;
    private final AtomicLong revision = new AtomicLong(1);

    private Background() {}

    static <T> Background<T> load(String name, Callable<T> what) {
        var b = new Background<T>();
        var t = new Thread(() -> {
            try {
                b.value = what.call();
            } catch (Exception e) {
                b.error = e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                b.revision.incrementAndGet();
            }
        }, "vigil-drillroom-" + name);
        t.setDaemon(true); // reading only: the console's exit need not wait for it
        t.start();
        return b;
    }

    Optional<T> value() {
        return Optional.ofNullable(value);
    }

    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    boolean done() {
        return value != null || error != null;
    }

    long revision() {
        return revision.get();
    }
}
