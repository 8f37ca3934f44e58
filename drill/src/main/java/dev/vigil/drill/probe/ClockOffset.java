package dev.vigil.drill.probe;

/**
 * How a vantage node's monotonic clock maps onto the drill's, from ping round trips over the
 * vantage's connection: the node read its clock ({@code remote}) somewhere between the drill's
 * {@code sent} and {@code received}, so {@code remote - (sent + received) / 2} is the offset
 * within half the round trip. The estimate with the shortest round trip is kept (queueing only
 * ever lengthens a trip). Monotonic clocks on two machines drift by a few parts per million: over
 * a drill of minutes, microseconds, which this leaves out.
 *
 * @param offsetNanos remote minus local
 * @param roundTripNanos of the best trip, twice the bound on the error of every converted time
 * @param trips how many round trips were measured
 */
public record ClockOffset(long offsetNanos, long roundTripNanos, int trips) {
    public static ClockOffset of(long sentNanos, long remoteNanos, long receivedNanos) {
        return new ClockOffset(remoteNanos - (sentNanos + (receivedNanos - sentNanos) / 2), receivedNanos - sentNanos, 1);
    }

    /** The better of this estimate and a new trip's, counting the trip. */
    public ClockOffset with(ClockOffset trip) {
        var best = trip.roundTripNanos < roundTripNanos ? trip : this;
        return new ClockOffset(best.offsetNanos, best.roundTripNanos, trips + trip.trips);
    }

    /** A time on the remote clock, on the local one. */
    public long toLocal(long remoteNanos) {
        return remoteNanos - offsetNanos;
    }

    /** How far off a converted time can be, in ms (half the best round trip). */
    public double errorMs() {
        return roundTripNanos / 2e6;
    }
}
