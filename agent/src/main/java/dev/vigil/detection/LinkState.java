package dev.vigil.detection;

/** Whether one link carries one peer's heartbeats: heard within deadtime, or not. */
public enum LinkState {
    UP("up"), DOWN("down");

    private final String key;

    LinkState(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
