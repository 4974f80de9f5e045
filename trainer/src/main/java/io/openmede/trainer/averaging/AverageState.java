package io.openmede.trainer.averaging;

import java.util.Optional;

/**
 * The resumable state of a running average.
 *
 * @param accumulator the average so far in this cycle (a view owned by the average), if any
 * @param weightSum W_t, the sum of the weights of the snapshots in it
 * @param snapshotIndex t, snapshots taken in this cycle (θ0 counts as index 0 when included)
 * @param cycles finished cycles
 * @param <V> weight vector type
 */
public record AverageState<V>(
    Optional<V> accumulator, double weightSum, int snapshotIndex, long cycles) {}
