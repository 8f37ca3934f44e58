package dev.vigil.scheduler;

/** A resource (or one instance of a clone) on one node. */
public record ResourceOnNode(String resource, String node) {
    @Override
    public String toString() {
        return resource + "@" + node;
    }
}
