package dev.vigil.cli;

import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.Report;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What {@code vigil playbook plan|apply} shows while the engine runs, then the recap.
 *
 * <p>On a terminal: a host × step table redrawn in place (ANSI cursor movement), one row per
 * host, one cell per step ({@code o} ok, {@code *} changed, {@code X} failed, {@code -} skipped,
 * {@code !} unreachable, {@code .} to do, a spinner on the step running), and the step each host
 * is at. At most {@link #FRAME} apart, so ten redraws a second at most. At the end: the final
 * table, the steps that changed or failed with their messages and diffs, and the recap.
 *
 * <p>Elsewhere (a pipe, a file, a test): one line per step as it finishes, as before, then the recap.
 *
 * <p>The engine calls a listener from one thread per host, at the same time: every method here
 * takes this object's lock, and so does the redraw thread, so a row is never drawn half-updated
 * and lines of two hosts never mix.
 */
final class PlaybookProgress implements Engine.Listener {
    /** Whether standard output is a terminal; a field so tests can say yes. */
    static volatile BooleanSupplier terminal = () -> System.console() != null;

    static final Duration FRAME = Duration.ofMillis(100);
    /** Beyond this many rows the table would scroll, and redrawing in place would smear it. */
    static final int MAX_ROWS = 20;
    private static final String SPIN = "|/-\\";

    private final PrintWriter out;
    private final boolean live;
    private final boolean apply;
    private final int width;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private int steps;
    private int frame;
    private int drawnLines;
    private Thread redraw;
    private boolean finished;

    private static final class Row {
        final List<Report.StepResult> results = new ArrayList<>();
        String running; // the step now running, null when none
        boolean done;
    }

    /**
     * @param live  draw the table in place (a terminal, not --json); plain lines otherwise
     * @param width the terminal's columns; rows are cut to it so that none wraps
     */
    PlaybookProgress(PrintWriter out, boolean live, boolean apply, int width) {
        this.out = out;
        this.live = live;
        this.apply = apply;
        this.width = Math.max(40, width);
    }

    /** For the verbs: live when standard output is a terminal. */
    static PlaybookProgress forTerminal(PrintWriter out, boolean apply) {
        int columns;
        try {
            columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80"));
        } catch (NumberFormatException e) {
            columns = 80;
        }
        return new PlaybookProgress(out, terminal.getAsBoolean(), apply, columns);
    }

    @Override
    public synchronized void runStarted(Playbook playbook, List<String> hosts) {
        steps = playbook.steps().size();
        hosts.forEach(h -> rows.put(h, new Row()));
        if (!live) return;
        draw();
        redraw = new Thread(this::redrawLoop, "playbook-progress");
        redraw.setDaemon(true);
        redraw.start();
    }

    @Override
    public synchronized void stepStarted(String host, String step) {
        row(host).running = step;
    }

    @Override
    public synchronized void stepDone(String host, Report.StepResult r) {
        var row = row(host);
        row.running = null;
        row.results.add(r);
        if (!live) {
            printLine(host, r);
            out.flush();
        }
    }

    @Override
    public synchronized void hostDone(Report.HostReport report) {
        var row = row(report.host());
        row.running = null;
        row.done = true;
    }

    private Row row(String host) {
        return rows.computeIfAbsent(host, h -> new Row());
    }

    private void redrawLoop() {
        while (true) {
            try {
                Thread.sleep(FRAME.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (finished) return;
                frame++;
                draw();
            }
        }
    }

    /** The table once more, without spinner, then what changed or failed, then the recap. */
    synchronized void finish(Report report) {
        finished = true;
        if (redraw != null) redraw.interrupt();
        if (live) {
            draw();
            boolean any = false;
            for (var h : report.hosts().values()) {
                for (var r : h.steps()) {
                    if (r.status().equals("ok") || r.status().equals("skipped")) continue;
                    if (!any) out.println();
                    any = true;
                    printLine(h.host(), r);
                }
            }
        }
        out.println();
        out.print(report.recap());
        out.flush();
    }

    /** Redraws the table over the previous one: up to its first line, each line cleared to its end. */
    private void draw() {
        var lines = table();
        var sb = new StringBuilder();
        if (drawnLines > 0) sb.append("\033[").append(drawnLines).append('A');
        for (String l : lines) sb.append('\r').append(l).append("\033[K\n");
        sb.append("\033[J"); // a shorter table leaves nothing of the longer one below it
        out.print(sb);
        out.flush();
        drawnLines = lines.size();
    }

    /** The table's lines as they would be drawn now; package-visible for tests. */
    synchronized List<String> table() {
        int nameWidth = Math.max(4, rows.keySet().stream().mapToInt(String::length).max().orElse(4));
        var lines = new ArrayList<String>();
        lines.add(cut(String.format("%-" + nameWidth + "s  %s", "HOST", "STEPS   (o ok  " + (apply ? "* changed  X failed" : "* change  X fail")
                + "  - skipped  ! unreachable  . to do)")));
        int shown = 0;
        int hidden = 0;
        boolean crowded = rows.size() > MAX_ROWS;
        for (var e : rows.entrySet()) {
            Row row = e.getValue();
            boolean quiet = row.done && row.results.stream().noneMatch(PlaybookProgress::bad);
            if (crowded && (quiet || shown >= MAX_ROWS)) {
                hidden++;
                continue;
            }
            shown++;
            lines.add(cut(String.format("%-" + nameWidth + "s  %s", e.getKey(), cells(row))));
        }
        if (hidden > 0) {
            long done = rows.values().stream().filter(r -> r.done).count();
            lines.add(cut("... " + hidden + " more host(s); " + done + " of " + rows.size() + " done"));
        }
        return lines;
    }

    private String cells(Row row) {
        var sb = new StringBuilder();
        for (var r : row.results) sb.append(cell(r.status()));
        int remaining = steps - row.results.size();
        boolean facts = Engine.FACTS_STEP.equals(row.running); // before the first step: no cell of its own
        if (row.running != null && !facts) {
            sb.append(finished ? ' ' : SPIN.charAt(frame % SPIN.length()));
            remaining--;
        }
        if (!row.done) sb.append(".".repeat(Math.max(0, remaining)));
        sb.append("  ");
        if (facts) {
            sb.append(finished ? ' ' : SPIN.charAt(frame % SPIN.length())).append(' ').append(row.running);
        } else if (row.running != null) {
            sb.append(row.running);
        } else if (row.done) {
            var failed = row.results.stream().filter(PlaybookProgress::bad).findFirst();
            if (failed.isPresent()) {
                sb.append(failed.get().status()).append(": ").append(failed.get().name());
            } else {
                sb.append(row.results.isEmpty() ? "not started" : "done");
            }
        } else if (row.results.isEmpty()) {
            sb.append("waiting");
        }
        return sb.toString();
    }

    private static boolean bad(Report.StepResult r) {
        return switch (r.status()) {
            case "failed", "fail", "unreachable" -> true;
            default -> false;
        };
    }

    private static char cell(String status) {
        return switch (status) {
            case "ok" -> 'o';
            case "changed", "change" -> '*';
            case "failed", "fail" -> 'X';
            case "skipped" -> '-';
            case "unreachable" -> '!';
            default -> '?';
        };
    }

    private String cut(String line) {
        int max = width - 1; // the last column would wrap on some terminals
        return line.length() <= max ? line : line.substring(0, max - 3) + "...";
    }

    /** The plain form: host, status, step, message, and the diff indented. */
    private void printLine(String host, Report.StepResult r) {
        out.printf("%-10s %-7s %s: %s%n", host, r.status(), r.name(), r.message().replace("\n", "\n    "));
        if (!r.diff().isEmpty()) {
            for (String line : r.diff().split("\n", -1)) {
                if (!line.isEmpty()) out.println("    " + line);
            }
        }
    }
}
