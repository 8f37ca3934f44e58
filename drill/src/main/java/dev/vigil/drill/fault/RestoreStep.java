package dev.vigil.drill.fault;

/** One thing restore did (or could not do), for the report. */
public record RestoreStep(String what, boolean ok, String detail) {
    public static RestoreStep done(String what, String detail) {
        return new RestoreStep(what, true, detail);
    }

    public static RestoreStep failed(String what, String detail) {
        return new RestoreStep(what, false, detail);
    }
}
