package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** {@code directory}: a directory (and its missing parents) with an optional mode, owner and group. */
final class DirectoryStep implements Step {
    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String path = Step.path(p, "path");
        Optional<Integer> mode = Step.mode(p);
        var owner = Ownership.of(p);
        if (apply) Ownership.verify(host, owner, ctx);
        Host.Kind kind = host.kind(path);
        Outcome done = switch (kind) {
            case MISSING -> {
                if (apply) host.mkdirs(path, mode);
                yield new Outcome(true, (apply ? "created" : "would create it")
                        + mode.map(m -> " (mode " + Step.octal(m) + ")").orElse(""), "");
            }
            case DIRECTORY -> {
                int current = host.mode(path);
                if (mode.isEmpty() || mode.get() == current) yield Outcome.ok("exists");
                if (apply) host.chmod(path, mode.get());
                yield new Outcome(true, (apply ? "" : "would change ") + "mode " + Step.octal(current) + " → "
                        + Step.octal(mode.get()), "");
            }
            default -> throw new Failure(path + " exists and is not a directory");
        };
        return FileStep.withOwner(host, path, owner, apply || kind == Host.Kind.DIRECTORY, apply, ctx, done);
    }
}
