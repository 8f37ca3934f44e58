package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ClusterKey;
import dev.vigil.config.KeyRing;
import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.KeyReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil key rotate}, run by the agent the command reached, and the steps it asks of every
 * member over their encrypted control ports (op {@code key}). The members are the nodes of the
 * current membership view; a node of the cluster file outside it (down) misses the rotation and is
 * named in the answer, with what to do when it is back.
 *
 * <ol>
 *   <li><b>stage</b> on every member: each accepts the old and the new key, still sends with the
 *       old. If a member does not confirm, the rotation is abandoned ({@code unstage} everywhere)
 *       before any node sends with the new key: nothing changed.</li>
 *   <li><b>switch</b> on every member: each sends with the new key, writes it to its key file
 *       (atomically, 0600) and still accepts the old one, so beats of members not yet switched count.</li>
 *   <li>once every member confirmed the switch, two keepalives later (beats signed before the
 *       switch may still be on the wire), <b>retire</b> on every member: the old key is refused.</li>
 * </ol>
 */
final class KeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);

    private final String self;
    private final ClusterConfig config;
    private final KeyRing ring;
    private final Supplier<Set<String>> members;
    private final Consumer<ClusterKey> sendWith;
    private final Duration settle;

    /**
     * @param members  the nodes of the current membership view, this one included
     * @param sendWith switches this node's heartbeats to a key
     * @param settle   how long after the last switch the old key is still accepted (two keepalives)
     */
    KeyRotation(String self, ClusterConfig config, KeyRing ring, Supplier<Set<String>> members,
                Consumer<ClusterKey> sendWith, Duration settle) {
        this.self = self;
        this.config = config;
        this.ring = ring;
        this.members = members;
        this.sendWith = sendWith;
        this.settle = settle;
    }

    /** Op {@code key} on this node. */
    KeyReport handle(String verb, String text) throws ControlHandler.Refused {
        try {
            return switch (verb) {
                case "show" -> report("");
                case "stage" -> {
                    ring.stage(key(text));
                    yield report("staged");
                }
                case "switch" -> {
                    var next = key(text);
                    ring.switchTo(next);
                    sendWith.accept(next);
                    LOG.warn("cluster key rotation: this node sends with the new key {} (the old one still accepted)",
                            KeyRing.fingerprint(next));
                    yield report("switched");
                }
                case "retire" -> {
                    ring.retire();
                    LOG.warn("cluster key rotation: the old key is refused from now on");
                    yield report("retired");
                }
                case "unstage" -> {
                    ring.unstage();
                    yield report("unstaged");
                }
                case "rotate" -> rotate(key(text));
                default -> throw new ControlHandler.Refused("unknown key verb `" + verb
                        + "`; known: show, rotate, stage, switch, retire, unstage");
            };
        } catch (IOException e) {
            throw new ControlHandler.Refused("cannot write the key file: " + e.getMessage());
        } catch (IllegalStateException e) {
            throw new ControlHandler.Refused(e.getMessage());
        }
    }

    private synchronized KeyReport rotate(ClusterKey next) throws ControlHandler.Refused, IOException {
        if (ring.step() != KeyRing.Step.STEADY) {
            throw new ControlHandler.Refused("a key rotation is under way on " + self + " (" + ring.step()
                    + "); wait for it to end");
        }
        if (!config.control().enabled()) {
            throw new ControlHandler.Refused("the control port is off (control: {enabled: false}); a rotation"
                    + " reaches the other members through it");
        }
        var old = ring.sending();
        String text = Base64.getEncoder().encodeToString(next.bytes());
        var view = members.get();
        var targets = config.nodeNames().stream().filter(view::contains).toList();
        var missed = new ArrayList<String>();
        for (var n : config.nodeNames()) {
            if (!view.contains(n)) missed.add(n + " (not a member now: down or cut off)");
        }
        // 1. stage everywhere, or nowhere.
        var staged = new ArrayList<String>();
        for (var n : targets) {
            try {
                step(n, old, "stage", text);
                staged.add(n);
            } catch (IOException | ControlHandler.Refused e) {
                for (var s : staged) {
                    try {
                        step(s, old, "unstage", null);
                    } catch (IOException | ControlHandler.Refused undo) {
                        LOG.warn("key rotation abandoned; {} kept the staged key: {}", s, undo.getMessage());
                    }
                }
                throw new ControlHandler.Refused("key rotation abandoned, nothing changed: " + n
                        + " did not take the new key (" + e.getMessage() + ")");
            }
        }
        // 2. switch everywhere: every member accepts both keys, so the order does not matter.
        var problems = new ArrayList<String>();
        for (var n : targets) {
            try {
                step(n, old, "switch", text);
            } catch (IOException | ControlHandler.Refused e) {
                problems.add(n + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ControlHandler.Refused("key rotation half done: every member accepts both keys, but the switch"
                    + " failed on " + problems + "; run `vigil key rotate --new` with the same key file again");
        }
        // 3. beats signed before the last switch may still be on the wire: then the old key goes.
        sleep(settle);
        for (var n : targets) {
            try {
                step(n, next, "retire", null);
            } catch (IOException | ControlHandler.Refused e) {
                problems.add(n + ": " + e.getMessage());
            }
        }
        String message = "rotated to key " + KeyRing.fingerprint(next) + " on " + String.join(", ", targets)
                + (problems.isEmpty() ? "; the old key is refused from now on" : "; still accepting the old key: " + problems)
                + (missed.isEmpty() ? "" : ". Missed: " + String.join(", ", missed) + ". When such a node is back,"
                        + " it cannot join (its heartbeats are refused as forged): copy " + ring.keyFile()
                        + " from a node that took the new key to it (mode 0600) and restart its agent");
        LOG.warn("cluster key rotation: {}", message);
        return new KeyReport(self, ring.step().name().toLowerCase(java.util.Locale.ROOT),
                KeyRing.fingerprint(ring.sending()), targets, missed, message);
    }

    /** One step on one member: this node directly, the others over their control port with {@code key}. */
    private void step(String node, ClusterKey key, String verb, String text) throws IOException, ControlHandler.Refused {
        if (node.equals(self)) {
            handle(verb, text);
            return;
        }
        var address = new InetSocketAddress(config.node(node).orElseThrow().address(), config.control().port());
        ControlClient.tcp(address, key).key(verb, text);
    }

    private KeyReport report(String message) {
        return new KeyReport(self, ring.step().name().toLowerCase(java.util.Locale.ROOT),
                KeyRing.fingerprint(ring.sending()), List.of(), List.of(), message);
    }

    private static ClusterKey key(String text) throws ControlHandler.Refused {
        if (text == null) throw new ControlHandler.Refused("no key given");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new ControlHandler.Refused("the key is not base64");
        }
        if (bytes.length < 16) throw new ControlHandler.Refused("a key of " + bytes.length + " bytes; at least 16");
        return new ClusterKey(bytes);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
