package dev.vigil.membership;

import dev.vigil.detection.DetectorEvent;
import dev.vigil.detection.PeerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns the failure detector's per-peer changes into a numbered membership view and an ordered
 * stream of events. This node is always a member of its own view.
 *
 * <p>Thread-safe; listeners are called in event order while the lock is held, so they see
 * every view in sequence and must not block.
 */
public final class Membership {
    private final Map<String, Integer> votes;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final TreeMap<String, Long> members = new TreeMap<>();
    private long viewNumber = 1;

    /** @param votes every configured node's votes, this one included */
    public Membership(String self, long selfIncarnation, Map<String, Integer> votes) {
        this.votes = Map.copyOf(votes);
        members.put(self, selfIncarnation);
    }

    public void addListener(MembershipListener listener) {
        listeners.add(listener);
    }

    public synchronized MembershipView view() {
        return new MembershipView(viewNumber, members);
    }

    public synchronized QuorumInputs quorumInputs() {
        int present = members.keySet().stream().mapToInt(n -> votes.getOrDefault(n, 0)).sum();
        int total = votes.values().stream().mapToInt(Integer::intValue).sum();
        return new QuorumInputs(viewNumber, present, total);
    }

    /** Applies detector events in order and notifies listeners; returns what was emitted. */
    public synchronized List<MembershipEvent> apply(List<DetectorEvent> detectorEvents) {
        var emitted = new ArrayList<MembershipEvent>();
        for (var e : detectorEvents) {
            var event = translate(e);
            if (event != null) {
                emitted.add(event);
                var view = new MembershipView(viewNumber, members);
                for (var l : listeners) {
                    l.onEvent(event, view);
                }
            }
        }
        return emitted;
    }

    private MembershipEvent translate(DetectorEvent e) {
        if (e instanceof DetectorEvent.PeerRestarted r) {
            members.put(r.peer(), r.newIncarnation());
            viewNumber++;
            return new MembershipEvent(MembershipEvent.Kind.RESTARTED, r.peer(), r.newIncarnation(), viewNumber, r.at());
        }
        if (!(e instanceof DetectorEvent.PeerChanged c)) {
            return null;
        }
        MembershipEvent.Kind kind;
        switch (c.to()) {
            case ALIVE -> {
                if (c.from() == PeerState.LATE) {
                    kind = MembershipEvent.Kind.RECOVERED;
                } else {
                    kind = MembershipEvent.Kind.JOINED;
                    members.put(c.peer(), c.incarnation());
                    viewNumber++;
                }
            }
            case LATE -> kind = MembershipEvent.Kind.LATE;
            case DEAD, LEFT -> {
                kind = c.to() == PeerState.DEAD ? MembershipEvent.Kind.DEAD : MembershipEvent.Kind.LEFT;
                if (members.remove(c.peer()) != null) {
                    viewNumber++;
                }
            }
            default -> {
                return null;
            }
        }
        return new MembershipEvent(kind, c.peer(), c.incarnation(), viewNumber, c.at());
    }
}
