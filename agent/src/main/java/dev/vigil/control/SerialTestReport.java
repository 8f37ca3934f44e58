package dev.vigil.control;

import dev.vigil.transport.serial.SerialLinkCheck;
import dev.vigil.transport.serial.SerialLinkTestService;
import java.time.Duration;
import java.util.List;

/**
 * The answer to op {@code serial-test} (the setup wizard's serial link test, one end per agent):
 * the agent's current or last test, as flat JSON.
 *
 * <pre>{"op": "serial-test", "verb": "send", "args": ["/dev/ttyS0", "19200", "5s"]}   one end: send probes for 5 s
 * {"op": "serial-test", "verb": "echo", "args": ["/dev/ttyS0", "19200", "20s"]}  the other: echo, first probe within 20 s
 * {"op": "serial-test", "verb": "progress"}                                    the counts so far, then the verdict</pre>
 *
 * @param state   idle, running or done
 * @param role    send or echo
 * @param rttP50Ms the round-trip percentiles in milliseconds; null while running, for an echoer, or when nothing came back
 * @param verdict OK, DEGRADED or NO_LINK once done, else null
 */
public record SerialTestReport(String state, String role, String device, int baud, long sent, long received,
                               long corrupted, long lost, Double rttMinMs, Double rttP50Ms, Double rttP99Ms,
                               Double rttMaxMs, String verdict, String explanation) {
    public static final String OP = "serial-test";
    public static final List<String> VERBS = List.of("send", "echo", "progress");

    public boolean running() {
        return "running".equals(state);
    }

    public boolean done() {
        return "done".equals(state);
    }

    public static SerialTestReport of(SerialLinkTestService.State s) {
        var rtt = s.rtt();
        return new SerialTestReport(s.state(), s.role().name().toLowerCase(), s.device(), s.baud(), s.sent(), s.received(),
                s.corrupted(), s.lost(), rtt.map(r -> ms(r.min())).orElse(null), rtt.map(r -> ms(r.p50())).orElse(null),
                rtt.map(r -> ms(r.p99())).orElse(null), rtt.map(r -> ms(r.max())).orElse(null),
                s.verdict().map(SerialLinkCheck.Verdict::name).orElse(null), s.explanation());
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }
}
