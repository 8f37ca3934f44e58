package dev.vigil.wizard;

import dev.vigil.control.SerialTestReport;
import java.util.Optional;

/**
 * The wizard's verdict on a serial link test from both ends' reports, and what to check: the
 * sender's verdict (it alone sees round trips), sharpened by what the echoer heard — nothing at
 * all (no cable, or not a null-modem one), probes but no echoes back (one direction broken), or
 * garbled bytes (the two ends at different rates).
 *
 * @param word OK, DEGRADED, NO_LINK, or ERROR when the test could not run
 */
record SerialVerdict(String word, String summary, String hint) {
    boolean ok() {
        return word.equals("OK");
    }

    static SerialVerdict of(String a, String b, Optional<SerialTestReport> sent, Optional<SerialTestReport> echoed,
                            Optional<String> error, int baud) {
        String cable = a + " → " + b;
        if (echoed.filter(SerialTestReport::done).filter(r -> r.explanation().startsWith("cannot open")).isPresent()) {
            return new SerialVerdict("NO_LINK", "on " + b + ": " + echoed.get().explanation(),
                    "the device is absent or held by another program on " + b + ": check its path (ls -l /dev/ttyS* /dev/serial/by-id/)");
        }
        if (error.isPresent()) {
            return new SerialVerdict("ERROR", "the test could not run: " + error.get(),
                    "both agents must run and answer on their control ports (vigil status), with the cluster file's key");
        }
        var s = sent.filter(SerialTestReport::done);
        if (s.isEmpty()) return new SerialVerdict("ERROR", "the sender gave no verdict", "run the test again");
        var r = s.get();
        String counts = r.sent() + " sent, " + r.received() + " back, " + r.corrupted() + " corrupted, " + r.lost() + " lost";
        if (r.explanation().startsWith("cannot open")) {
            return new SerialVerdict("NO_LINK", "on " + a + ": " + r.explanation(),
                    "the device is absent or held by another program on " + a + ": check its path (ls -l /dev/ttyS* /dev/serial/by-id/)");
        }
        long heard = echoed.map(SerialTestReport::received).orElse(0L);
        boolean garbled = r.explanation().contains("garbled") || echoed.map(e -> e.explanation().contains("garbled")).orElse(false);
        return switch (r.verdict()) {
            case "OK" -> new SerialVerdict("OK", cable + ": " + counts + rtt(r),
                    "the cable works: add it to the cluster as a heartbeat link (a)");
            case "DEGRADED" -> new SerialVerdict("DEGRADED", cable + ": " + counts + rtt(r),
                    "the line works but loses or garbles frames: check the cable and its connectors, and that both ends are at "
                            + baud + " baud");
            default -> garbled
                    ? new SerialVerdict("NO_LINK", cable + ": " + counts + "; bytes arrive but never form a frame",
                            "wrong baud rate: both ends must be at the same rate (" + baud + " here, 8N1); check the port settings")
                    : heard > 0
                    ? new SerialVerdict("NO_LINK", cable + ": " + counts + "; " + b + " heard " + heard + " probes but nothing came back",
                            "one direction is broken: a straight-through cable or a broken wire; use a null-modem cable (TX and RX crossed)")
                    : new SerialVerdict("NO_LINK", cable + ": " + counts + "; " + b + " heard nothing",
                            "no cable between these two ports: the cable is absent or on other ports, or it is not a null-modem cable (TX and RX crossed)");
        };
    }

    private static String rtt(SerialTestReport r) {
        if (r.rttP50Ms() == null) return "";
        return String.format(java.util.Locale.ROOT, "; RTT p50 %.1f ms, p99 %.1f ms, max %.1f ms", r.rttP50Ms(), r.rttP99Ms(), r.rttMaxMs());
    }
}
