package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import dev.vigil.model.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Promotable clones (Pacemaker's promotable clone, docs/promotable.md): which instances are
 * promoted, the promotes and demotes that get there, and their edges.
 *
 * <p>The choice, once the clone's instances are placed: among the nodes where an instance will
 * run, those whose agent set a promotion score ({@code crm_master}, the node attribute
 * {@code master-<id>}) that is not negative, plus location constraints with {@code role: Promoted}
 * and stickiness where it is promoted now; the best {@code promoted_max}, ties broken by where it
 * is promoted now, then node order. Only a partition that may act (quorum, or
 * {@code no_quorum: ignore}) promotes anything, so one quorate partition never holds more than
 * {@code promoted_max}; without quorum a promoted instance is demoted, even under
 * {@code no_quorum: freeze}, since the quorate side may be promoting another one.
 */
final class Promotion {
    /** The node attribute an agent's {@code crm_master} sets, as in Pacemaker. */
    static String scoreAttribute(String resource) {
        return "master-" + resource;
    }

    private final PlanningState s;
    private final NodeFacts facts;

    Promotion(PlanningState s) {
        this.s = s;
        this.facts = s.facts;
    }

    /** Sets {@link PlanningState#promotedTarget} of a promotable unit once it is placed. */
    void choose(Unit u) {
        ResourceSpec r = u.members().get(0);
        if (!r.isPromotable() || s.pending.contains(u.id())) {
            return;
        }
        List<String> now = facts.trustedNodes().stream().filter(n -> facts.promoted(r, n)).toList();
        if (!s.acting) {
            s.promotedTarget.put(u.id(), List.of());
            if (!now.isEmpty()) {
                s.notes.add(r.id() + " is not promoted anywhere without quorum: the quorate side may promote it");
            }
            return;
        }
        if (s.held.contains(u.id())) {
            s.promotedTarget.put(u.id(), now);
            return;
        }
        var scores = new LinkedHashMap<String, Integer>();
        var unscored = new ArrayList<String>();
        for (String n : s.target.getOrDefault(u.id(), List.of())) {
            Optional<Integer> sc = score(u, r, n);
            if (sc.isEmpty()) {
                unscored.add(n);
            } else if (sc.get() >= 0) {
                scores.put(n, sc.get());
            }
        }
        int max = r.promotable().get().promotedMax();
        List<String> chosen = scores.keySet().stream()
                .sorted(Comparator.comparing((String n) -> -scores.get(n))
                        .thenComparing(n -> !now.contains(n))
                        .thenComparing(facts.nodeNames::indexOf))
                .limit(max).toList();
        s.promotedTarget.put(u.id(), facts.inNodeOrder(chosen));
        s.promotionScores.put(u.id(), scores);
        if (chosen.isEmpty() && !s.target.getOrDefault(u.id(), List.of()).isEmpty()) {
            s.notes.add(r.id() + " cannot be promoted: " + (scores.isEmpty() && !unscored.isEmpty()
                    ? "no instance has a promotion score (its agent sets one with crm_master)"
                    : "no instance has a promotion score of 0 or more"));
        }
    }

    /**
     * The promotion score of {@code r} on {@code n}: the agent's, plus role locations and
     * stickiness; empty when the agent set none there (such an instance is never promoted).
     */
    private Optional<Integer> score(Unit u, ResourceSpec r, String n) {
        Optional<Integer> own = s.in.attribute(n, scoreAttribute(r.id())).flatMap(Promotion::parseScore);
        boolean located = false;
        int sc = own.orElse(0);
        for (Constraint c : s.cfg.constraints()) {
            if (c instanceof Constraint.Location l && l.role() == Role.PROMOTED && l.node().equals(n)
                    && s.unit(l.target(), c) == u) {
                sc = Scores.add(sc, l.score());
                located = true;
            }
        }
        if (own.isEmpty() && !located) {
            return Optional.empty();
        }
        if (facts.promoted(r, n)) {
            sc = Scores.add(sc, s.policy.autoFailback() ? s.policy.stickiness() : Scheduler.NO_FAILBACK_STICKINESS);
        }
        return Optional.of(sc);
    }

    /** A score as crm_master writes it: an integer, INFINITY or -INFINITY; anything else is none. */
    static Optional<Integer> parseScore(String text) {
        String t = text.trim();
        if (t.equals("INFINITY") || t.equals("+INFINITY")) {
            return Optional.of(Scores.INFINITY);
        }
        if (t.equals("-INFINITY")) {
            return Optional.of(Scores.MINUS_INFINITY);
        }
        try {
            long v = Long.parseLong(t);
            return Optional.of((int) Math.max(Scores.MINUS_INFINITY, Math.min(Scores.INFINITY, v)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The promotes and demotes of {@code u}, once its stops and starts are final (ordering may
     * have added restarts): a promoted instance that stops is demoted first; one that stays but is
     * not chosen is demoted; a chosen one that is not promoted is promoted (after its start).
     */
    void actionsFor(Unit u) {
        ResourceSpec r = u.members().get(0);
        if (!r.isPromotable() || s.pending.contains(u.id()) || (s.held.contains(u.id()) && s.acting)) {
            return;
        }
        List<String> chosen = s.promotedTarget.getOrDefault(u.id(), List.of());
        for (String n : facts.trustedNodes()) {
            var key = new ResourceOnNode(r.id(), n);
            boolean stops = s.stops.containsKey(key);
            boolean promotedNow = facts.promoted(r, n);
            if (promotedNow && (stops || !chosen.contains(n))) {
                s.demotes.putIfAbsent(key, stops ? s.stops.get(key) : demoteReason(u, r, n, chosen));
            }
            boolean runs = s.starts.containsKey(key) || (facts.healthy(r, n) && !stops);
            if (chosen.contains(n) && runs && (!promotedNow || stops)) {
                s.promotes.putIfAbsent(key, promoteReason(u, r, n));
            }
        }
    }

    private String demoteReason(Unit u, ResourceSpec r, String n, List<String> chosen) {
        if (!s.acting) {
            return "no quorum: the quorate side may promote " + r.id();
        }
        if (chosen.isEmpty()) {
            return "no instance of " + r.id() + " can be promoted";
        }
        var scores = s.promotionScores.getOrDefault(u.id(), Map.of());
        String to = chosen.get(0);
        Integer mine = scores.get(n);
        return "promoted on " + to + " instead (promotion score " + Scores.format(scores.get(to))
                + (mine == null ? ", none usable here" : " > " + Scores.format(mine) + " here") + ")";
    }

    private String promoteReason(Unit u, ResourceSpec r, String n) {
        int score = s.promotionScores.getOrDefault(u.id(), Map.of()).getOrDefault(n, 0);
        String why = "promotion score " + Scores.format(score);
        // Where the promoted role was before and why it left, as a failover's log should say.
        for (String p : facts.nodeNames) {
            if (!p.equals(n) && facts.promoted(r, p) && !s.promotedTarget.get(u.id()).contains(p)) {
                String gone = s.whyNot.getOrDefault(u.id(), Map.of()).get(p);
                if (gone == null) {
                    gone = s.demotes.containsKey(new ResourceOnNode(r.id(), p)) ? "demoted on " + p : p + " lost";
                }
                return why + "; was promoted on " + p + " (" + gone + ")";
            }
        }
        return why;
    }

    /** The nodes where {@code w} will run in {@code role} after the plan (Started: every instance). */
    List<String> nodesIn(Unit w, Role role) {
        List<String> all = s.target.getOrDefault(w.id(), List.of());
        if (role == Role.STARTED || !w.members().get(0).isPromotable()) {
            return all;
        }
        List<String> promoted = s.promotedTarget.getOrDefault(w.id(), List.of());
        return role == Role.PROMOTED ? promoted : all.stream().filter(n -> !promoted.contains(n)).toList();
    }

    /**
     * Demote before the instance's stop there; promote after its start there, after every demote
     * and stop of the clone (never two promoted at once, even for a moment) and after the fence of
     * a node that may still run it.
     */
    void addEdges(Map<ResourceOnNode, Draft> stopDrafts, Map<ResourceOnNode, Draft> startDrafts,
                  Map<ResourceOnNode, Draft> promoteDrafts, Map<ResourceOnNode, Draft> demoteDrafts) {
        for (var d : demoteDrafts.entrySet()) {
            Draft stop = stopDrafts.get(d.getKey());
            if (stop != null) {
                stop.after.add(d.getValue().id);
            }
        }
        for (var p : promoteDrafts.entrySet()) {
            String r = p.getKey().resource();
            Draft start = startDrafts.get(p.getKey());
            if (start != null) {
                p.getValue().after.add(start.id);
            }
            demoteDrafts.forEach((k, d) -> {
                if (k.resource().equals(r)) {
                    p.getValue().after.add(d.id);
                }
            });
            stopDrafts.forEach((k, d) -> {
                if (k.resource().equals(r)) {
                    p.getValue().after.add(d.id);
                }
            });
            for (String x : s.fences.keySet()) {
                if (facts.status(s.cfg.resource(r).orElseThrow(), x) != dev.vigil.model.ResourceStatus.STOPPED) {
                    p.getValue().after.add(x + ":fence");
                }
            }
        }
    }

    /** Promote and demote drafts, demotes first: they come before stops, promotes after starts. */
    static Draft draft(ResourceOnNode key, ActionKind kind, String reason) {
        String verb = kind == ActionKind.PROMOTE ? "promote" : "demote";
        return new Draft(key.resource() + ":" + verb + "@" + key.node(), kind, Optional.of(key.resource()), key.node(),
                reason);
    }
}
