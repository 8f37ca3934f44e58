package dev.vigil.membership;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The set of nodes this node considers members (itself included), with the incarnation of each.
 * The number increases by one on every change of the set, so "view 7" names one exact set.
 */
public record MembershipView(long number, SortedMap<String, Long> members) {
    public MembershipView {
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
    }

    public boolean contains(String node) {
        return members.containsKey(node);
    }
}
