package dev.vigil.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * The session an agent runs in, found and killed through /proc.
 *
 * <p>Each agent is launched through util-linux {@code setsid}, so it and everything it forks share
 * a session id that nothing else on the host has. We kill by session rather than by
 * {@link ProcessHandle#descendants()} because a grandchild whose parent died has been re-parented
 * to init and is no longer a descendant, yet it keeps its session, which is exactly the orphan a
 * hung agent leaves behind. Scanning and signalling are not atomic, so kills repeat until the scan
 * comes back empty; once every member is SIGKILLed nothing is left to fork new ones.
 *
 * <p>Public because fence agents ({@code dev.vigil.fencing}) run the same way.
 */
public final class ProcessSession {
    private static final Path PROC = Path.of("/proc");

    private final long sessionId;

    /**
     * How a child ended.
     *
     * @param exitCode empty when it timed out and was killed
     */
    public record Ending(boolean timedOut, OptionalInt exitCode) {}

    /**
     * Waits for a child launched through {@code setsid -w} to exit within {@code timeout}; past
     * it, kills the child's whole session. Then gives its output readers a bounded moment to
     * finish. One place for this, because a hung resource agent and a hung fence agent must be
     * handled the same way.
     *
     * @throws InterruptedException if the waiting thread is interrupted; the session is killed first
     */
    public static Ending await(Process process, Duration timeout, Duration killGrace, List<OutputCollector> output,
                               Logger log, String tag) throws InterruptedException {
        return await(process, timeout, killGrace, output, log, tag, timeout, () -> { });
    }

    /**
     * {@link #await(Process, Duration, Duration, List, Logger, String)}, running {@code meanwhile}
     * on the waiting thread every {@code every} until the child exits or times out: alerts drain
     * their agent's stderr this way instead of with a reader thread each (the agent's memory budget).
     */
    public static Ending await(Process process, Duration timeout, Duration killGrace, List<OutputCollector> output,
                               Logger log, String tag, Duration every, Runnable meanwhile) throws InterruptedException {
        boolean timedOut = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!process.waitFor(Math.max(0, Math.min(every.toNanos(), deadline - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                meanwhile.run();
                if (deadline - System.nanoTime() <= 0) {
                    timedOut = true;
                    log.warn("{}: timed out after {}, killing its session", tag, timeout);
                    kill(process, killGrace, log, tag);
                    break;
                }
            }
            process.waitFor();
        } catch (InterruptedException e) {
            try {
                kill(process, killGrace, log, tag);
            } catch (InterruptedException again) {
                process.destroyForcibly();
            }
            throw e;
        }
        OutputCollector.settle(output, System.nanoTime(), log, tag);
        return new Ending(timedOut, timedOut ? OptionalInt.empty() : OptionalInt.of(process.exitValue()));
    }

    private static void kill(Process process, Duration grace, Logger log, String tag) throws InterruptedException {
        OptionalLong sid = sessionOf(process);
        if (sid.isPresent()) {
            of(sid.getAsLong()).kill(grace);
        } else {
            // setsid had not got as far as creating the session; only the launcher exists yet.
            log.warn("{}: no session found for pid {}, killing it alone", tag, process.pid());
            process.destroyForcibly();
        }
    }

    private ProcessSession(long sessionId) {
        this.sessionId = sessionId;
    }

    /**
     * The session of a process launched via setsid. setsid exec()s in place when its caller is not
     * a process group leader (the JVM's children are not), making the pid the session id; if it
     * had to fork instead, {@code -w} keeps it waiting and the session is its child's.
     */
    public static OptionalLong sessionOf(Process launcher) {
        long pid = launcher.pid();
        OptionalLong own = readSession(pid);
        if (own.isPresent() && own.getAsLong() == pid) {
            return own;
        }
        return launcher.toHandle().children()
                .mapToLong(ProcessHandle::pid)
                .filter(child -> readSession(child).orElse(-1) == child)
                .findFirst();
    }

    public static ProcessSession of(long sessionId) {
        return new ProcessSession(sessionId);
    }

    public long sessionId() {
        return sessionId;
    }

    /** Live (non-zombie) processes in this session. */
    public List<Long> members() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(PROC)) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .forEach(name -> {
                        long pid = Long.parseLong(name);
                        String[] fields = statFields(pid);
                        // After "pid (comm)": state ppid pgrp session ...
                        if (fields != null && !fields[0].equals("Z") && !fields[0].equals("X")
                                && Long.parseLong(fields[3]) == sessionId) {
                            pids.add(pid);
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    /** SIGTERM to every member, up to {@code grace} for them to go, then SIGKILL until none is left. */
    public void kill(Duration grace) throws InterruptedException {
        members().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            if (members().isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        for (int round = 0; round < 100; round++) {
            List<Long> left = members();
            if (left.isEmpty()) {
                return;
            }
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Thread.sleep(10);
        }
        throw new IllegalStateException("processes of session " + sessionId + " survive SIGKILL: " + members());
    }

    private static OptionalLong readSession(long pid) {
        String[] fields = statFields(pid);
        return fields == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fields[3]));
    }

    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // comm may hold spaces and parentheses, so split after the last ')'.
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null; // the process went away while we looked
        }
    }
}
