package dev.vigil.drill.probe;

import java.time.Duration;

/** One attempt of one probe kind: answers what it saw, or throws with why it failed. */
@FunctionalInterface
public interface Check {
    /** @return a short description of the answer (e.g. {@code 200 node=ha2}) */
    String attempt(Duration timeout) throws Exception;

    /** The probe is over: what it keeps between attempts (idle connections) is let go. */
    default void close() {}
}
