package dev.vigil.drill.run;

import dev.vigil.drill.fault.Fault;
import dev.vigil.drill.fault.RestoreStep;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Records when it was injected, undone and restored, on the fake clock. */
final class FakeFault implements Fault {
    private final FakeCluster.FakeClock clock;
    private final Optional<Duration> hold;
    long injectedAt = -1;
    long undoneAt = -1;
    long restoredAt = -1;
    Runnable onInject = () -> { };
    Runnable onRestore = () -> { };

    FakeFault(FakeCluster.FakeClock clock, Optional<Duration> hold) {
        this.clock = clock;
        this.hold = hold;
    }

    @Override
    public String inject() {
        injectedAt = clock.nanos();
        onInject.run();
        return "fake fault injected";
    }

    @Override
    public Optional<Duration> holdFor() {
        return hold;
    }

    @Override
    public Optional<RestoreStep> undo() {
        if (injectedAt < 0 || undoneAt >= 0 || hold.isEmpty()) return Optional.empty();
        undoneAt = clock.nanos();
        return Optional.of(RestoreStep.done("fault undone", ""));
    }

    @Override
    public List<RestoreStep> restore() {
        restoredAt = clock.nanos();
        onRestore.run();
        return List.of(RestoreStep.done("fake fault restored", "all good"));
    }

    /** Milliseconds since the injection at fake time {@code nanos}; negative before it. */
    long since(long nanos) {
        return injectedAt < 0 ? -1 : (nanos - injectedAt) / 1_000_000;
    }
}
