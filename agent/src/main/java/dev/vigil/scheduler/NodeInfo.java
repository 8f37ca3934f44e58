package dev.vigil.scheduler;

/**
 * One configured node as the scheduler sees it.
 *
 * @param standby an operator put it in standby: it runs nothing
 * @param pingOk  it reaches at least one ping target (always true when none are configured)
 */
public record NodeInfo(String name, NodeCondition condition, boolean standby, boolean pingOk) {
    public boolean canRunResources() {
        return condition == NodeCondition.ONLINE && !standby;
    }
}
