package io.openmede.trainer.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * Where checkpoint weights live (claim-check: Kafka only carries references to them).
 *
 * <p>Contract: {@link #put} returns only once the weights and the manifest are completely and
 * durably written; before that, no reader can see the version at all (no partial checkpoint is ever
 * visible). A version is written once. Implementations are thread-safe.
 */
interface CheckpointStore {

  /**
   * Writes a new checkpoint.
   *
   * @param version unique version ([A-Za-z0-9._-]+)
   * @param weights writes the safetensors file
   * @param manifest extra JSON-able facts written beside the weights (sha256, size and version are
   *     added)
   * @throws IOException when writing fails (nothing becomes visible then)
   * @throws CheckpointExistsException when the version exists
   * @throws IllegalArgumentException when the version is not a legal name
   */
  StoredCheckpoint put(String version, WeightsWriter weights, Map<String, Object> manifest)
      throws IOException;

  /** A visible checkpoint, if the version exists. */
  Optional<StoredCheckpoint> find(String version) throws IOException;

  /** Opens the weights of a visible version for reading. */
  InputStream open(String version) throws IOException;
}
