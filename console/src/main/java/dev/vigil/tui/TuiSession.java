package dev.vigil.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.Terminal;
import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Permissions;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator's text UI on one terminal (an SSH channel, or a virtual terminal in tests).
 * {@link #run()} blocks on the caller's thread until the operator presses q or Ctrl-D, the
 * terminal closes, or the thread is interrupted; it returns normally in every case and never
 * exits the JVM. Ctrl-C is an ordinary key here: it does nothing.
 *
 * <p>Threads: the caller's thread owns the screen and all UI state. Pushed statuses and the
 * outcomes of operator verbs arrive through queues; verbs run on a per-session worker so a
 * move that takes ten seconds never freezes the screen. The frame is recomposed when a key,
 * a status, an outcome or a resize arrives, and sent only if it differs from the last one,
 * as a delta of the changed cells.
 */
public final class TuiSession {
    private static final Logger log = LoggerFactory.getLogger(TuiSession.class);
    private static final int MAX_KEYS_PER_TICK = 64;
    static final int PUSHED_CAPACITY = 64;

    private final Terminal terminal;
    private final ConsoleBackend backend;
    private final Operator operator;
    private final AuditLog audit;
    private final TuiOptions options;

    /**
     * Statuses not yet shown. Bounded: a client that stops reading blocks this session's UI thread
     * on its writes, and the pushes must neither wait for it nor pile up; the oldest go first.
     */
    private final BlockingQueue<StatusReport> pushed = new ArrayBlockingQueue<>(PUSHED_CAPACITY);
    private final Queue<Runnable> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final ExecutorService worker;
    private final HistoryFetch history;

    // UI-thread state
    private final Deque<Page> pages = new ArrayDeque<>();
    private final EventFeed feed;
    private StatusReport status;
    private String problem;
    private Instant lastStatusAt;
    private Line message = Line.empty();
    private Action busy;
    private Action confirming;
    private Reaction.Pick picking;
    private int picked;
    private boolean colour;
    private boolean quit;
    private Frame shown;
    /** The top page's {@link Page#revision()} when last drawn: a page that changes on its own is redrawn. */
    private long shownRevision;
    /** Set by a resize or Ctrl-L: the next draw clears the terminal and sends every cell. */
    private boolean repaint;
    /** The backend's outage as last seen; present means the status on screen is not current. */
    private java.util.Optional<ConsoleBackend.Outage> outage = java.util.Optional.empty();
    private java.util.Optional<ConsoleBackend.Failover> failover = java.util.Optional.empty();
    /** When the status request in flight was sent, and when the last status arrived. */
    private volatile Instant askedAt = Instant.MIN;
    private Instant lastGoodAt;
    /**
     * A request unanswered for longer than deadtime + 1 s: an agent that froze with its connection
     * open (no EOF, its keepalives 10 s apart) is stale data too, long before the stream times out.
     */
    private java.util.Optional<ConsoleBackend.Outage> unanswered = java.util.Optional.empty();

    public TuiSession(Terminal terminal, ConsoleBackend backend, Operator operator, AuditLog audit) {
        this(terminal, backend, operator, audit, TuiOptions.defaults());
    }

    public TuiSession(Terminal terminal, ConsoleBackend backend, Operator operator, AuditLog audit, TuiOptions options) {
        this.terminal = Objects.requireNonNull(terminal);
        this.backend = Objects.requireNonNull(backend);
        this.operator = Objects.requireNonNull(operator);
        this.audit = audit;
        this.options = Objects.requireNonNull(options);
        this.feed = new EventFeed(options.events());
        this.colour = options.colour();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            var t = new Thread(r, "vigil-console-" + operator.user());
            t.setDaemon(true);
            return t;
        });
        this.history = new HistoryFetch(backend, worker, options.clock(), () -> outcomes.add(() -> { }));
    }

    public void run() {
        Screen screen = null;
        AutoCloseable subscription = null;
        try {
            screen = new TerminalScreen(terminal);
            screen.startScreen();
            screen.setCursorPosition(null);
            pages.push(options.screens().forKey('d').map(e -> e.open().get()).orElseGet(DashboardPage::new));
            lastStatusAt = options.clock().instant();
            // a failover from before this login is not news to this operator
            failover = backend.lastFailover();
            outage = backend.outage();
            subscription = backend.subscribe(this::pushed);
            askForStatus();
            history.ask();
            loop(screen);
        } catch (IOException | RuntimeException e) {
            // the usual way a remote session ends: the client went away under us
            log.debug("console session of {} ended: {}", operator.user(), e.toString());
        } finally {
            closeQuietly(subscription);
            if (screen != null) {
                try {
                    screen.stopScreen();
                } catch (IOException | RuntimeException e) {
                    log.debug("console: could not restore the terminal: {}", e.toString());
                }
            }
            // an operator verb already sent finishes and is audited; the thread is a daemon
            worker.shutdown();
        }
    }

    private void loop(Screen screen) throws IOException {
        boolean dirty = true;
        while (!quit) {
            if (Thread.currentThread().isInterrupted()) return;
            int keys = 0;
            KeyStroke k;
            while (!quit && keys < MAX_KEYS_PER_TICK && (k = screen.pollInput()) != null) {
                keys++;
                if (k.getKeyType() == KeyType.EOF) return;
                onKey(k);
                dirty = true;
            }
            StatusReport s;
            while ((s = pushed.poll()) != null) {
                accept(s);
                dirty = true;
            }
            Runnable r;
            while ((r = outcomes.poll()) != null) {
                r.run();
                dirty = true;
            }
            if (watchAgent()) dirty = true;
            long revision = pages.peek().revision();
            if (revision != shownRevision) {
                shownRevision = revision;
                dirty = true;
            }
            if (Duration.between(lastStatusAt, options.clock().instant()).compareTo(options.staleAfter()) > 0) {
                lastStatusAt = options.clock().instant();
                askForStatus();
            }
            TerminalSize resized = screen.doResizeIfNecessary();
            if (resized != null) {
                // A terminal that shrinks keeps (or reflows) what it showed; a delta against Lanterna's
                // idea of the old screen would leave that text on the header and footer lines.
                repaint = true;
                dirty = true;
            }
            if (repaint) dirty = true;
            if (quit) return;
            if (dirty) {
                draw(screen);
                dirty = false;
            } else {
                try {
                    Thread.sleep(options.tick().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Polls the backend's link to its agent (a few field reads under its lock, once per tick).
     * True when what the screen must say changed: the agent was lost, or the console moved to another.
     */
    private boolean watchAgent() {
        var nowOut = backend.outage();
        if (nowOut.isEmpty() && status != null && checking.get()) {
            Duration bound = Duration.ofMillis(status.timing().deadtimeMs()).plusSeconds(1);
            Duration waited = Duration.between(askedAt, options.clock().instant());
            if (waited.compareTo(bound) > 0 && unanswered.isEmpty()) {
                unanswered = java.util.Optional.of(new ConsoleBackend.Outage(askedAt, lastGoodAt, null,
                        "the agent has not answered for " + Text.age(waited) + " (deadtime " + Text.age(bound.minusSeconds(1)) + ")",
                        "still waiting for its answer"));
            }
        }
        if (nowOut.isEmpty()) nowOut = unanswered;
        var nowFailover = backend.lastFailover();
        boolean changed = !nowOut.equals(outage);
        if (outage.isPresent() && nowOut.isEmpty()) {
            // Back: what happened meanwhile is in the agent's log; fetch it to fill the gap.
            var lost = outage.get();
            gapFrom = lost.lastGood() != null ? lost.lastGood() : lost.since();
            gapTo = options.clock().instant();
            gapRequest = history.ask();
        }
        outage = nowOut;
        if (!nowFailover.equals(failover)) {
            failover = nowFailover;
            nowFailover.ifPresent(f -> say("now following " + f.to() + " (lost " + f.from() + " at "
                    + StatusViews.clock(f.at()) + ")", Tone.WARN));
            changed = true;
        }
        return changed;
    }

    /** From the backend's thread: never waits. */
    void pushed(StatusReport s) {
        while (!pushed.offer(s)) {
            pushed.poll();
        }
    }

    /** Statuses pushed and not yet taken by the UI thread. */
    int pendingStatuses() {
        return pushed.size();
    }

    private void accept(StatusReport s) {
        feed.accept(s, options.clock().instant());
        history.refreshIfDue();
        status = s;
        problem = null;
        lastStatusAt = options.clock().instant();
        lastGoodAt = lastStatusAt;
        unanswered = java.util.Optional.empty();
    }

    /**
     * A time without an agent, to fill from the agent's log once the answer to request
     * {@link #gapRequest} (made after it ended) arrives (UI thread only).
     */
    private Instant gapFrom;
    private Instant gapTo;
    private long gapRequest;

    /** Asks the backend directly: at start, and when pushes stop (a dead agent pushes nothing). */
    private void askForStatus() {
        if (!checking.compareAndSet(false, true)) return;
        askedAt = options.clock().instant();
        worker.execute(() -> {
            try {
                var s = backend.status();
                pushed(s);
            } catch (IOException | RuntimeException e) {
                String why = String.valueOf(e.getMessage());
                outcomes.add(() -> problem = why);
            } finally {
                checking.set(false);
            }
        });
    }

    // ---- drawing ----------------------------------------------------------------------------

    private void draw(Screen screen) throws IOException {
        TerminalSize size = screen.getTerminalSize();
        var f = frame(size.getColumns(), size.getRows());
        if (repaint) {
            repaint = false;
            screen.clear();
            Painter.paint(screen, f);
            screen.refresh(Screen.RefreshType.COMPLETE);
            shown = f;
            return;
        }
        if (f.equals(shown)) return;
        Painter.paint(screen, f);
        screen.refresh(Screen.RefreshType.DELTA);
        shown = f;
    }

    Frame frame(int cols, int rows) {
        var ctx = context();
        var page = pages.peek();
        // the body first: the page's keys depend on what it selected while drawing it
        int bodyRows = Frame.bodyRows(rows, Painter.FOOTER_LINES);
        var body = page.body(ctx, cols - 2, bodyRows);
        if (outage.isPresent() && status != null) {
            // The last status stays readable but greyed, under a banner saying how old it is.
            body = StatusViews.stale(outage.get(), body, cols, bodyRows);
        }
        var footer = Painter.footer(confirming != null || picking != null ? dialogHints() : page.hints(ctx), globalHints(), cols);
        var crumbs = Line.builder();
        var trail = new ArrayList<String>();
        pages.descendingIterator().forEachRemaining(p -> trail.add(p.title()));
        crumbs.add(String.join(" > ", trail), Tone.TITLE);
        String who = operator.user() + " (" + operator.role().configName() + ")";
        int pad = cols - crumbs.length() - who.length();
        if (pad > 0) crumbs.add(" ".repeat(pad)).add(who, Tone.DIM);
        Frame.Dialog dialog = null;
        if (confirming != null) {
            dialog = new Frame.Dialog("Confirm " + confirming.verb(), List.of(confirming.confirmation().split("\n")), List.of(), -1,
                    "[y/N]  y does it, any other key cancels");
        } else if (picking != null) {
            dialog = new Frame.Dialog("Choose", List.of(picking.question()), picking.options(), picked,
                    "↑↓ or a number, Enter chooses, Esc cancels");
        }
        var header = outage.isPresent() ? StatusViews.lostHeader(outage.get(), status != null)
                : StatusViews.header(status, problem);
        return Frame.compose(cols, rows, header, crumbs.build(),
                body, message, footer, dialog, colour);
    }

    private Context context() {
        var answer = history.latest();
        var h = answer == null ? null : answer.report();
        if (h != null) {
            feed.seed(h.events());
            if (gapTo != null && answer.request() >= gapRequest) {
                feed.fill(h.events(), gapFrom, gapTo);
                gapFrom = null;
                gapTo = null;
            }
        }
        return new Context(status, feed.events(), operator, audit, options.screens(), options.config(), problem,
                options.clock().instant(), h);
    }

    private List<Page.KeyHint> dialogHints() {
        return confirming != null ? List.of(new Page.KeyHint("y", "yes"), new Page.KeyHint("n/Esc", "no"))
                : List.of(new Page.KeyHint("↑↓", "choose"), new Page.KeyHint("Enter", "ok"), new Page.KeyHint("Esc", "cancel"));
    }

    private List<Page.KeyHint> globalHints() {
        var h = new ArrayList<Page.KeyHint>();
        if (pages.size() > 1) h.add(new Page.KeyHint("Esc", "back"));
        for (var e : options.screens().visibleTo(operator)) {
            if (pages.size() == 1 && e.key() == 'd') continue;
            h.add(new Page.KeyHint(String.valueOf(e.key()), e.name()));
        }
        h.add(new Page.KeyHint("q", "quit"));
        return h;
    }

    // ---- keys -------------------------------------------------------------------------------

    private void onKey(KeyStroke k) {
        if (k.isCtrlDown() && k.getKeyType() == KeyType.Character) {
            char c = Character.toLowerCase(k.getCharacter());
            if (c == 'd') {
                quit = true;
            } else if (c == 'l') {
                repaint = true; // Ctrl-L, as in every full-screen program: redraw whatever the terminal shows
            } else if (c == 'c') {
                say("Ctrl-C does nothing here; q or Ctrl-D leaves the console", Tone.DIM);
            }
            return;
        }
        if (confirming != null) {
            confirmKey(k);
            return;
        }
        if (picking != null) {
            pickKey(k);
            return;
        }
        var page = pages.peek();
        var ctx = context();
        var reaction = page.onKey(k, ctx);
        if (reaction instanceof Reaction.Ignored) reaction = globalKey(k, ctx);
        react(reaction);
    }

    private Reaction globalKey(KeyStroke k, Context ctx) {
        if (k.getKeyType() == KeyType.Escape) return pages.size() > 1 ? new Reaction.Back() : Reaction.HANDLED;
        if (k.getKeyType() == KeyType.F1) return open('?');
        if (k.getKeyType() != KeyType.Character || k.isAltDown()) return Reaction.HANDLED;
        char c = k.getCharacter();
        if (c == 'q') {
            quit = true;
            return Reaction.HANDLED;
        }
        if (c == 'C') {
            colour = !colour;
            return new Reaction.Say("colours " + (colour ? "on" : "off"), Tone.DIM);
        }
        if (options.screens().forKey(c).isPresent()) return open(c);
        // action keys on pages without a selection: M works anywhere, the rest explain themselves
        return Actions.forKey(c, null, ctx.status());
    }

    private Reaction open(char key) {
        var entry = options.screens().forKey(key).orElse(null);
        if (entry == null) return Reaction.HANDLED;
        if (entry.needs().isPresent() && !operator.may(entry.needs().get())) {
            return new Reaction.Say("the " + entry.name() + " screen needs the " + entry.needs().get().configName()
                    + " role; you are " + operator.role().configName(), Tone.BAD);
        }
        // top-level screens are siblings over the dashboard: Esc from any of them goes home
        var page = entry.open().get();
        if (pages.peek().title().equals(page.title())) return Reaction.HANDLED;
        while (pages.size() > 1) pages.pop();
        return entry.key() == 'd' ? Reaction.HANDLED : new Reaction.Open(page);
    }

    private void react(Reaction r) {
        if (r instanceof Reaction.Open o) {
            pages.push(o.page());
        } else if (r instanceof Reaction.Back) {
            if (pages.size() > 1) pages.pop();
        } else if (r instanceof Reaction.Say s) {
            say(s.message(), s.tone());
        } else if (r instanceof Reaction.Act a) {
            request(a.action());
        } else if (r instanceof Reaction.Pick p && !p.options().isEmpty() && !refused(p.then().apply(p.options().get(0)))) {
            picking = p;
            picked = 0;
        }
    }

    private void confirmKey(KeyStroke k) {
        var action = confirming;
        confirming = null;
        if (k.getKeyType() == KeyType.Character && (k.getCharacter() == 'y' || k.getCharacter() == 'Y')) {
            send(action);
        } else {
            say("cancelled: " + action.command(), Tone.DIM);
        }
    }

    private void pickKey(KeyStroke k) {
        var p = picking;
        switch (k.getKeyType()) {
            case ArrowUp -> picked = Math.max(0, picked - 1);
            case ArrowDown, Tab -> picked = Math.min(p.options().size() - 1, picked + 1);
            case Enter -> {
                picking = null;
                request(p.then().apply(p.options().get(picked)));
            }
            case Character -> {
                int n = k.getCharacter() - '1';
                if (n >= 0 && n < Math.min(9, p.options().size())) {
                    picking = null;
                    request(p.then().apply(p.options().get(n)));
                } else if (k.getCharacter() == 'q' || k.getCharacter() == 'n') {
                    picking = null;
                    say("cancelled", Tone.DIM);
                }
            }
            case Escape -> {
                picking = null;
                say("cancelled", Tone.DIM);
            }
            default -> { }
        }
    }

    /** The role check comes first, whatever the screen offered: a key typed blind is refused and audited. */
    private void request(Action a) {
        if (refused(a)) return;
        if (busy != null) {
            say("wait: " + busy.command() + " is still running", Tone.WARN);
            return;
        }
        confirming = a;
    }

    private boolean refused(Action a) {
        var why = Permissions.refusal(operator, a.verb());
        if (why.isEmpty()) return false;
        record(a.verb(), a.target(), "refused: " + why.get());
        say("refused: " + why.get(), Tone.BAD);
        return true;
    }

    private void send(Action a) {
        busy = a;
        say(a.command() + ": sent; waiting for the coordinator...", Tone.WARN);
        worker.execute(() -> {
            String outcome;
            Line shownOutcome;
            try {
                var o = backend.admin(a.verb(), a.args());
                outcome = (o.ok() ? "ok: " : "failed: ") + o.message();
                shownOutcome = Line.builder().add(o.ok() ? "done: " : "! not done: ", o.ok() ? Tone.GOOD : Tone.BAD)
                        .add(o.message(), o.ok() ? Tone.GOOD : Tone.BAD).build();
            } catch (IOException | RuntimeException e) {
                outcome = "error: " + e.getMessage();
                shownOutcome = Line.of("! " + a.command() + " failed: " + e.getMessage(), Tone.BAD);
            }
            record(a.verb(), a.target(), outcome);
            var line = shownOutcome;
            outcomes.add(() -> {
                busy = null;
                message = line;
            });
        });
    }

    private void record(String action, String target, String outcome) {
        if (audit == null) return;
        try {
            audit.record(operator, action, target, outcome);
        } catch (IOException e) {
            log.error("console: cannot write the audit log: {} ({} {} by {}: {})", e.getMessage(), action, target,
                    operator.user(), outcome);
        }
    }

    private void say(String text, Tone tone) {
        message = Line.of(text, tone);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            log.debug("console: closing the status subscription: {}", e.toString());
        }
    }
}
