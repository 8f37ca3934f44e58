package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The vantage node's half of a probe from a named node ({@code vigil drill probe}, started there
 * by {@link VantageProbes}): runs one probe with {@link InProcessProbes} and streams its samples,
 * stamped with this node's monotonic clock, one line each; answers the drill's pings with that
 * clock, so that the drill can place the samples on its own. Line protocol, in UTF-8:
 *
 * <pre>
 * stdin:  spec KIND INTERVAL_MS TIMEOUT_MS reuse=1|0 NAME   (first line; without reuse=, 1)
 *         ADDRESS                                   (second line: URL, HOST:PORT or command)
 *         ping SEQ                                  (any number)
 * stdout: ready NAME
 *         sample START_NS END_NS 1|0 DETAIL
 *         pong SEQ NOW_NS
 * </pre>
 *
 * The end of stdin (the drill closed it, or its connection died) stops the probe. A node of an
 * older version takes {@code reuse=} as part of the name (which it only echoes): it probes on
 * fresh connections, as it always did.
 */
public final class ProbeStream {
    private ProbeStream() {}

    /** @return 0 when stdin ended, 2 when the spec was bad (said on {@code out} as {@code error ...}) */
    public static int serve(BufferedReader in, PrintStream out, DrillClock clock) throws IOException {
        ProbeSpec spec;
        try {
            spec = spec(in.readLine(), in.readLine());
        } catch (IllegalArgumentException e) {
            out.println("error " + e.getMessage());
            out.flush();
            return 2;
        }
        try (var probes = new InProcessProbes(List.of(spec), clock, s -> line(out, String.format(Locale.ROOT, "sample %d %d %d %s",
                s.startNanos(), s.endNanos(), s.ok() ? 1 : 0, oneLine(s.detail()))))) {
            probes.start();
            line(out, "ready " + spec.name());
            String l;
            while ((l = in.readLine()) != null) {
                if (l.startsWith("ping ")) line(out, "pong " + l.substring(5).strip() + " " + clock.nanos());
            }
        }
        return 0;
    }

    static ProbeSpec spec(String header, String address) {
        if (header == null || address == null) throw new IllegalArgumentException("no probe given on stdin");
        var f = header.split(" ", 5);
        if (f.length != 5 || !f[0].equals("spec")) {
            throw new IllegalArgumentException("expected `spec KIND INTERVAL_MS TIMEOUT_MS reuse=1|0 NAME`, got: " + header);
        }
        try {
            var kind = ProbeKind.valueOf(f[1].toUpperCase(Locale.ROOT));
            boolean reuse = true;
            String name = f[4];
            if (name.startsWith("reuse=")) {
                var r = name.split(" ", 2);
                if (r.length != 2 || !r[0].matches("reuse=[01]")) throw new IllegalArgumentException("expected reuse=1 or reuse=0, then the name");
                reuse = r[0].equals("reuse=1");
                name = r[1];
            }
            return new ProbeSpec(name, kind, address, Duration.ofMillis(Long.parseLong(f[2])), Duration.ofMillis(Long.parseLong(f[3])),
                    ProbeSpec.LOCAL, reuse);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad probe spec `" + header + "`: " + e.getMessage());
        }
    }

    /** What {@link VantageProbes} writes to start {@code spec}. */
    static String specLines(ProbeSpec spec) {
        return "spec " + spec.kind().key() + " " + spec.interval().toMillis() + " " + spec.timeout().toMillis()
                + " reuse=" + (spec.reuse() ? 1 : 0) + " " + spec.name()
                + "\n" + oneLine(spec.address()) + "\n";
    }

    private static void line(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
