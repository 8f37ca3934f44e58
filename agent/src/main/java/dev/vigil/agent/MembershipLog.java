package dev.vigil.agent;

import dev.vigil.config.Durations;
import dev.vigil.membership.MembershipEvent;
import dev.vigil.membership.MembershipView;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * How a membership change reads: in the agent's log (its lines are what operators and
 * bench/scale.sh grep for, so their wording is kept) and on the control channel's event stream.
 */
final class MembershipLog {
    private MembershipLog() {
    }

    /** The event stream's one-line message. */
    static String message(MembershipEvent e, MembershipView view) {
        String what = switch (e.kind()) {
            case JOINED -> "joined (incarnation " + e.incarnation() + ")";
            case LATE -> "is late";
            case RECOVERED -> "heard again";
            case DEAD -> "is dead";
            case LEFT -> "left the cluster";
            case RESTARTED -> "restarted (incarnation " + e.incarnation() + ")";
        };
        return "node " + e.node() + " " + what + "; view " + view.number() + " = " + view.members().keySet();
    }

    /** Logs the change to {@code log}, a warning where an operator should look. */
    static void log(Logger log, MembershipEvent e, MembershipView view, Duration warntime) {
        switch (e.kind()) {
            case JOINED -> log.info("node {} joined (incarnation {}); view {} = {}", e.node(), e.incarnation(),
                    view.number(), view.members().keySet());
            case LATE -> log.warn("late heartbeat: node {} silent for more than warntime {}", e.node(),
                    Durations.format(warntime));
            case RECOVERED -> log.info("node {} heard again after a late heartbeat", e.node());
            case DEAD -> log.warn("node {} is dead; view {} = {}", e.node(), view.number(), view.members().keySet());
            case LEFT -> log.info("node {} left the cluster; view {} = {}", e.node(), view.number(),
                    view.members().keySet());
            case RESTARTED -> log.warn("node {} restarted (incarnation {}); view {} = {}", e.node(), e.incarnation(),
                    view.number(), view.members().keySet());
        }
    }
}
