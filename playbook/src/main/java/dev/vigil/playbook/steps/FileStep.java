package dev.vigil.playbook.steps;

import dev.vigil.config.BoundedFile;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** {@code file}: a whole file's content (literal or a template file), its mode, owner and group. */
public final class FileStep implements Step {
    /** The largest file a playbook writes, reads back or templates. */
    public static final int LIMIT = 1024 * 1024;

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String path = Step.path(p, "path");
        Optional<Integer> mode = Step.mode(p);
        String wanted;
        if (p.containsKey("content")) {
            wanted = p.get("content");
        } else {
            var t = ctx.dir().resolve(p.get("template"));
            try {
                wanted = Template.render(BoundedFile.readText(t, LIMIT, "template"), ctx.values());
            } catch (IllegalArgumentException e) {
                throw new Failure("template " + t + ": " + e.getMessage());
            }
        }
        byte[] bytes = wanted.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > LIMIT) throw new Failure("the content is " + bytes.length + " bytes; a file step writes at most " + LIMIT);
        var owner = Ownership.of(p);
        if (apply) Ownership.verify(host, owner, ctx);
        boolean existed = host.kind(path) == Host.Kind.FILE;
        var written = write(host, path, bytes, mode, apply, ctx);
        return withOwner(host, path, owner, apply || existed, apply, ctx, written);
    }

    /** Adds the owner and group, set after the content and mode, to what a file or directory step did. */
    static Outcome withOwner(Host host, String path, Ownership.Wanted owner, boolean exists, boolean apply, Context ctx,
                             Outcome done) throws Failure, IOException {
        var changed = Ownership.apply(host, path, owner, exists, apply, ctx);
        if (changed.isEmpty()) return done;
        if (!done.changed()) return new Outcome(true, (apply ? "changed " : "would change ") + changed.get(), "");
        return new Outcome(true, done.message() + "; " + changed.get(), done.diff());
    }

    /** Shared with {@code line}: make {@code path} hold {@code bytes} with {@code mode}. */
    static Outcome write(Host host, String path, byte[] bytes, Optional<Integer> mode, boolean apply, Context ctx)
            throws Failure, IOException {
        Host.Kind kind = host.kind(path);
        if (kind == Host.Kind.DIRECTORY || kind == Host.Kind.OTHER) {
            throw new Failure(path + " is " + (kind == Host.Kind.DIRECTORY ? "a directory" : "not a regular file")
                    + "; a file step replaces regular files only");
        }
        String parent = parent(path);
        if (kind == Host.Kind.MISSING) {
            boolean parentOk = host.kind(parent) == Host.Kind.DIRECTORY;
            String diff = UnifiedDiff.diff(path, "", text(bytes));
            if (!apply) {
                return new Outcome(true, "would create it (" + bytes.length + " bytes"
                        + (parentOk ? "" : "; its directory " + parent + " does not exist yet, a step before must create it")
                        + ")", diff);
            }
            if (!parentOk) throw new Failure("its directory " + parent + " does not exist; add a directory step before this one");
            ctx.before().replacing(host, path, Optional.empty(), Optional.empty(), bytes);
            host.write(path, bytes, Optional.of(mode.orElse(0644)));
            return new Outcome(true, "created (" + bytes.length + " bytes, mode " + Step.octal(mode.orElse(0644)) + ")", diff);
        }
        byte[] current = host.read(path, LIMIT);
        int currentMode = host.mode(path);
        boolean contentChanges = !Arrays.equals(current, bytes);
        boolean modeChanges = mode.isPresent() && mode.get() != currentMode;
        if (!contentChanges && !modeChanges) return Outcome.ok("up to date");
        String diff = contentChanges ? diffOf(path, current, bytes) : "";
        String what = (contentChanges ? "content" : "")
                + (contentChanges && modeChanges ? " and " : "")
                + (modeChanges ? "mode " + Step.octal(currentMode) + " → " + Step.octal(mode.get()) : "");
        if (apply) {
            ctx.before().replacing(host, path, Optional.of(current), Optional.of(currentMode), bytes);
            if (contentChanges) host.write(path, bytes, mode);
            else host.chmod(path, mode.get());
        }
        return new Outcome(true, (apply ? "changed " : "would change ") + what, diff);
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String diffOf(String path, byte[] before, byte[] after) {
        String a = text(before);
        String b = text(after);
        if (a == null || b == null) return "Binary content of " + path + " differs\n";
        return UnifiedDiff.diff(path, a, b);
    }

    /** The bytes as UTF-8 text, or null when they are not text. */
    static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
