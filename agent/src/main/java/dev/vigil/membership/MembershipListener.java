package dev.vigil.membership;

/** Told of membership changes in order, on the agent's membership thread; must return quickly. */
@FunctionalInterface
public interface MembershipListener {
    void onEvent(MembershipEvent event, MembershipView view);
}
