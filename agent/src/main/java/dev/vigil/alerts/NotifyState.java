package dev.vigil.alerts;

/** keepalived's states, as its notify scripts get them: the IP taken, released, or failing. */
public enum NotifyState {
    MASTER, BACKUP, FAULT
}
