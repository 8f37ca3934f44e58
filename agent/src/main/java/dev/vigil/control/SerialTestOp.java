package dev.vigil.control;

import dev.vigil.config.Durations;
import dev.vigil.transport.serial.SerialLinkTestService;
import java.util.List;

/** Op {@code serial-test}'s request, read and run against the agent's {@link SerialLinkTestService}. */
public final class SerialTestOp {
    private SerialTestOp() {}

    /** @see SerialTestReport for the request's shape */
    public static SerialTestReport answer(SerialLinkTestService tests, String verb, List<String> args)
            throws ControlHandler.Refused {
        if (verb.equals("progress")) return SerialTestReport.of(tests.progress());
        SerialLinkTestService.Role role = switch (verb) {
            case "send" -> SerialLinkTestService.Role.SEND;
            case "echo" -> SerialLinkTestService.Role.ECHO;
            default -> throw new ControlHandler.Refused("serial-test needs \"verb\": one of " + String.join(", ", SerialTestReport.VERBS)
                    + ", got '" + verb + "'");
        };
        if (args.size() != 3) {
            throw new ControlHandler.Refused("serial-test " + verb + " needs \"args\": [device, baud, duration], got " + args);
        }
        int baud;
        try {
            baud = Integer.parseInt(args.get(1));
        } catch (NumberFormatException e) {
            throw new ControlHandler.Refused("baud must be a number such as 19200, got '" + args.get(1) + "'");
        }
        var duration = Durations.parse(args.get(2))
                .orElseThrow(() -> new ControlHandler.Refused("duration must be such as 5s, got '" + args.get(2) + "'"));
        try {
            return SerialTestReport.of(tests.start(role, args.get(0), baud, duration));
        } catch (SerialLinkTestService.Refused e) {
            throw new ControlHandler.Refused(e.getMessage());
        }
    }
}
