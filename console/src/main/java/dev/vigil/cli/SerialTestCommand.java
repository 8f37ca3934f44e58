package dev.vigil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Durations;
import dev.vigil.transport.serial.SerialLinkCheck;
import dev.vigil.transport.serial.SerialLinkCheck.Role;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil serial-test}: heartbeat's {@code cat < /dev/ttyS0} / {@code echo > /dev/ttyS0}
 * cable check, measured. Exit status: 0 OK, 1 DEGRADED, 2 NO_LINK or a usage error.
 */
@Command(name = "serial-test",
        mixinStandardHelpOptions = true,
        description = {
                "Checks a null-modem serial cable before it is used as a heartbeat link.",
                "Run '--role receiver' on one node first, then '--role sender' on the other;",
                "or '--role paired' with both ends plugged into this machine."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:all probes came back intact (OK)", "1:probes lost or corrupted (DEGRADED)",
                "2:nothing came back (NO_LINK), or a usage error"})
public final class SerialTestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--device", required = true, paramLabel = "DEV",
            description = "Serial device (the sender's end in paired mode), e.g. /dev/ttyS0.")
    String device;

    @Option(names = "--baud", defaultValue = "19200", paramLabel = "N", description = "Line speed (default: ${DEFAULT-VALUE}).")
    int baud;

    @Option(names = "--role", defaultValue = "sender", paramLabel = "ROLE", converter = RoleConverter.class,
            description = "sender, receiver or paired (default: ${DEFAULT-VALUE}).")
    Role role;

    @Option(names = "--peer-device", paramLabel = "DEV2", description = "The cable's other end, for --role paired.")
    String peerDevice;

    @Option(names = "--count", defaultValue = "100", paramLabel = "N", description = "Probes to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--interval", defaultValue = "50ms", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Between probes (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the receiver waits for the first probe (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (role == Role.PAIRED && peerDevice == null) {
            throw new ParameterException(spec.commandLine(), "--role paired needs --peer-device (the cable's other end)");
        }
        if (role != Role.PAIRED && peerDevice != null) {
            throw new ParameterException(spec.commandLine(), "--peer-device is only for --role paired");
        }
        if (baud <= 0) {
            throw new ParameterException(spec.commandLine(), "--baud must be positive");
        }
        SerialLinkCheck.Settings settings;
        try {
            settings = SerialLinkCheck.Settings.DEFAULTS.withCount(count).withInterval(interval).withReceiverTimeout(timeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SerialLinkCheck.Progress progress = json ? SerialLinkCheck.Progress.NONE : progressLine(err);
        if (!json) {
            err.println(switch (role) {
                case SENDER -> "sending " + count + " probes on " + device + " at " + baud + " baud, one every "
                        + Durations.format(interval) + " (start the receiver on the other node first)";
                case RECEIVER -> "echoing probes on " + device + " at " + baud + " baud; waiting up to "
                        + Durations.format(timeout) + " for the sender";
                case PAIRED -> "sending " + count + " probes from " + device + " to " + peerDevice + " at " + baud + " baud";
            });
            err.flush();
        }
        var test = new SerialLinkCheck(settings, baud, progress);
        SerialLinkCheck.Result result = switch (role) {
            case SENDER -> test.runSender(device);
            case RECEIVER -> test.runReceiver(device);
            case PAIRED -> test.runPaired(device, peerDevice);
        };
        if (json) {
            out.println(toJson(result));
        } else {
            err.println();
            out.print(humanReadable(result));
        }
        out.flush();
        return switch (result.verdict()) {
            case OK -> 0;
            case DEGRADED -> 1;
            case NO_LINK -> 2;
        };
    }

    /** One line, rewritten in place on the terminal (stderr, so stdout stays the result alone). */
    private static SerialLinkCheck.Progress progressLine(PrintWriter err) {
        return (sent, received, corrupted) -> {
            err.print("\r  sent " + sent + "  received " + received + (corrupted > 0 ? "  corrupted " + corrupted : "") + "   ");
            err.flush();
        };
    }

    static String humanReadable(SerialLinkCheck.Result r) {
        var sb = new StringBuilder();
        sb.append(r.verdict()).append(": ").append(r.explanation()).append('\n');
        if (r.role() == SerialLinkCheck.Role.RECEIVER) {
            sb.append(String.format(Locale.ROOT, "  probes received %d, echoed %d, missing %d, corrupted %d, garbage bytes %d%n",
                    r.received(), r.sent(), r.lost(), r.corrupted(), r.garbageBytes()));
        } else {
            sb.append(String.format(Locale.ROOT, "  frames sent %d, echoed back %d, lost %d, corrupted %d, garbage bytes %d%n",
                    r.sent(), r.received(), r.lost(), r.corrupted(), r.garbageBytes()));
        }
        r.rtt().ifPresent(t -> sb.append("  round trip: min ").append(SerialLinkCheck.human(t.min()))
                .append(", p50 ").append(SerialLinkCheck.human(t.p50()))
                .append(", p99 ").append(SerialLinkCheck.human(t.p99()))
                .append(", max ").append(SerialLinkCheck.human(t.max())).append('\n'));
        return sb.toString();
    }

    static String toJson(SerialLinkCheck.Result r) throws Exception {
        var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode n = mapper.createObjectNode();
        n.put("role", r.role().name().toLowerCase(Locale.ROOT));
        n.put("verdict", r.verdict().name());
        n.put("explanation", r.explanation());
        n.put("sent", r.sent());
        n.put("received", r.received());
        n.put("lost", r.lost());
        n.put("corrupted", r.corrupted());
        n.put("garbageBytes", r.garbageBytes());
        if (r.rtt().isPresent()) {
            var t = r.rtt().get();
            // Fractional milliseconds: pty round trips are well under one.
            ObjectNode rtt = n.putObject("rttMs");
            rtt.put("min", millis(t.min()));
            rtt.put("p50", millis(t.p50()));
            rtt.put("p99", millis(t.p99()));
            rtt.put("max", millis(t.max()));
        } else {
            n.putNull("rttMs");
        }
        return mapper.writeValueAsString(n);
    }

    private static double millis(Duration d) {
        return Math.round(d.toNanos() / 1e3) / 1e3;
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value).orElseThrow(() ->
                    new IllegalArgumentException("'" + value + "' is not a duration (examples: 50ms, 1s, 2m)"));
        }
    }

    static final class RoleConverter implements ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            try {
                return Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + value + "' is not a role: use sender, receiver or paired");
            }
        }
    }
}
