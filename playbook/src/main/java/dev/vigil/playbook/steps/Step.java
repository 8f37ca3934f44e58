package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A step type: one {@link #run} both checks and applies, so that what {@code plan} says would
 * change is exactly what {@code apply} changes. With {@code apply} false nothing on the host may
 * change. Running it again after an apply must report no change (idempotence).
 */
public interface Step {
    /** @param changed whether the step changed (apply) or would change (plan) something */
    record Outcome(boolean changed, String message, String diff) {
        static Outcome ok(String message) {
            return new Outcome(false, message, "");
        }
    }

    /** The step cannot do its job; the message says why, and the host stops there. */
    final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    /**
     * @param dir       the playbook's directory (templates are relative to it)
     * @param before    told the previous content of every file before it is replaced (for the run
     *                  journal): empty content when the file did not exist
     * @param peers     the other hosts of the run by name (a step that needs two ends, such as a
     *                  serial link test, reaches the other end through it); empty for an unknown name
     * @param timeout   how long the whole step may take; a step that runs commands bounds each by it
     */
    record Context(Path dir, Map<String, String> values, FileWatcher before,
                   java.util.function.Function<String, Optional<Host>> peers, java.time.Duration timeout) {
        /** The default of a step without {@code timeout:}. */
        public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofMinutes(5);

        /** A context without peers and with the default timeout (tests, single-host runs). */
        public Context(Path dir, Map<String, String> values, FileWatcher before) {
            this(dir, values, before, name -> Optional.empty(), DEFAULT_TIMEOUT);
        }
    }

    /** Told before a step replaces or creates a file; an exception stops the step before it writes. */
    public interface FileWatcher {
        /**
         * @param previous     the content now; empty when the file does not exist yet
         * @param previousMode its mode now; empty when it does not exist
         * @param next         the content it is about to hold
         */
        void replacing(Host host, String path, Optional<byte[]> previous, Optional<Integer> previousMode, byte[] next)
                throws IOException;

        FileWatcher NONE = (h, p, c, m, n) -> {};
    }

    Outcome run(Host host, Map<String, String> params, boolean apply, Context ctx) throws Failure, IOException;

    static Step of(String type) {
        return switch (type) {
            case "file" -> new FileStep();
            case "line" -> new LineStep();
            case "directory" -> new DirectoryStep();
            case "command" -> new CommandStep();
            case "package" -> new PackageStep();
            case "service" -> new ServiceStep();
            case "exports" -> new ExportsStep();
            case "wait" -> new WaitStep();
            case "authkey" -> new AuthKeyStep();
            case "cluster" -> new ClusterStep();
            case "serial_test" -> new SerialTestStep();
            case "require" -> new RequireStep();
            default -> throw new IllegalArgumentException("no step type " + type);
        };
    }

    // ---- shared checks of rendered parameters (templated values are known only now)

    static String path(Map<String, String> p, String key) throws Failure {
        String v = p.get(key);
        if (v == null || !v.startsWith("/") || v.contains("\0")) {
            throw new Failure("`" + key + "` must be an absolute path, got '" + v + "'");
        }
        return v;
    }

    static Optional<Integer> mode(Map<String, String> p) throws Failure {
        String v = p.get("mode");
        if (v == null) return Optional.empty();
        if (!v.matches("0?[0-7]{3}")) {
            throw new Failure("`mode` must be octal permissions such as 0644, got '" + v + "'");
        }
        return Optional.of(Integer.parseInt(v, 8));
    }

    static String octal(int mode) {
        return String.format("%04o", mode);
    }
}
