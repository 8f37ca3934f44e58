package dev.vigil.drill.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The target's heartbeat links cut by a configured hook (nftables rules that drop the links'
 * ports, a switch port shut), and restored by another, after {@code duration} or at restore.
 */
final class LinkCut implements Fault {
    private final Hook hook;
    private final String cut;
    private final String restoreCommand;
    private final Optional<Duration> duration;
    private boolean injected;
    private boolean restored;

    LinkCut(Hook hook, String cut, String restoreCommand, Optional<Duration> duration) {
        this.hook = hook;
        this.cut = cut;
        this.restoreCommand = restoreCommand;
        this.duration = duration;
    }

    @Override
    public String inject() throws IOException, InterruptedException {
        injected = true;
        hook.runOrThrow("the link-cut hook", cut);
        return "links cut: `" + cut + "`";
    }

    @Override
    public Optional<Duration> holdFor() {
        return duration;
    }

    @Override
    public synchronized Optional<RestoreStep> undo() {
        if (!injected || restored) return Optional.empty();
        restored = true;
        return Optional.of(hook.step("links restored", restoreCommand));
    }

    @Override
    public List<RestoreStep> restore() {
        return undo().map(List::of).orElse(List.of());
    }
}
