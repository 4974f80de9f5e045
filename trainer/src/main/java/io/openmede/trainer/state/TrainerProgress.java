package io.openmede.trainer.state;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The counters and positions saved with the trainer state.
 *
 * @param updates meta-updates (or, for plain fine-tuning, update calls) so far
 * @param optimizerSteps AdamW steps so far (what β's schedule counts)
 * @param clips training clips consumed by finished updates
 * @param offsets partition → next offset of the labeled-clips topic to read on resume
 * @param averageWeightSum W_t of the running average (or its own bookkeeping value)
 * @param averageSnapshotIndex t, snapshots in the current cycle
 * @param averageCycles finished averaging cycles
 * @param lastCheckpoint version of the last published checkpoint, if any
 * @param lastPromoted version of the last checkpoint the gate promoted (or, with the gate off, the
 *     last published), if any: the gate's baseline after a restart, read back from the store
 */
public record TrainerProgress(
    long updates,
    long optimizerSteps,
    long clips,
    Map<Integer, Long> offsets,
    double averageWeightSum,
    int averageSnapshotIndex,
    long averageCycles,
    Optional<String> lastCheckpoint,
    Optional<String> lastPromoted) {

  /** Copies the offsets into a sorted, unmodifiable map. */
  public TrainerProgress {
    offsets = java.util.Collections.unmodifiableMap(new TreeMap<>(offsets));
  }

  /** The state of a trainer that has not trained yet. */
  public static TrainerProgress initial() {
    return new TrainerProgress(0, 0, 0, Map.of(), 0, 0, 0, Optional.empty(), Optional.empty());
  }
}
