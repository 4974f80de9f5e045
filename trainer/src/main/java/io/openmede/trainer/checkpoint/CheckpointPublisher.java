package io.openmede.trainer.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.GateDecision;
import io.openmede.schemas.avro.KnownRegionReferences;
import io.openmede.schemas.avro.OpenSetThresholds;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a checkpoint by claim-check: the weights are written completely (and atomically) to the
 * {@link CheckpointStore} first, and only then is the {@link CheckpointAnnouncement} with their
 * URI, SHA-256 and size sent. A reader acting on an announcement never sees a partial file. With a
 * signing key each announcement is signed (Ed25519, {@link CheckpointSigning}), so recognizers that
 * require signatures accept it. Not thread-safe.
 */
public final class CheckpointPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointPublisher.class);

  private final CheckpointStore store;
  private final AnnouncementSink sink;
  private final String modelName;
  private final String preset;
  private final Optional<KeyPair> signingKey;

  /**
   * @param modelName the model line (the announcement's key)
   * @param preset architecture preset of the weights
   * @param signingKey signs each announcement ({@link CheckpointSigning}); empty: unsigned
   */
  public CheckpointPublisher(
      CheckpointStore store,
      AnnouncementSink sink,
      String modelName,
      String preset,
      Optional<KeyPair> signingKey) {
    this.store = store;
    this.sink = sink;
    this.modelName = modelName;
    this.preset = preset;
    this.signingKey = signingKey;
  }

  /**
   * Stores the weights, then announces them. A version already in the store (stored before a crash
   * that came before its announcement) is announced as stored, not written again.
   *
   * @return the announcement that was sent
   */
  public CheckpointAnnouncement publish(
      String version,
      WeightsWriter weights,
      Optional<String> parentVersion,
      TrainingSummary training,
      Map<String, Double> metrics)
      throws IOException {
    return publish(version, weights, parentVersion, training, metrics, List.of());
  }

  /**
   * Stores the weights, then announces them with their open-set thresholds (one entry per score
   * kind), so that a recognizer swapping them in decides with thresholds fitted on them.
   *
   * @return the announcement that was sent
   */
  public CheckpointAnnouncement publish(
      String version,
      WeightsWriter weights,
      Optional<String> parentVersion,
      TrainingSummary training,
      Map<String, Double> metrics,
      List<OpenSetThresholds> openSet)
      throws IOException {
    return publish(version, weights, parentVersion, training, metrics, openSet, Optional.empty());
  }

  /**
   * Stores the weights, then announces them with the gate's decision.
   *
   * @param gate the gate's status and decision; empty: no status (announced as before the gate)
   */
  public CheckpointAnnouncement publish(
      String version,
      WeightsWriter weights,
      Optional<String> parentVersion,
      TrainingSummary training,
      Map<String, Double> metrics,
      List<OpenSetThresholds> openSet,
      Optional<Judged> gate)
      throws IOException {
    return publish(
        version, weights, parentVersion, training, metrics, openSet, Optional.empty(), gate);
  }

  /**
   * Stores the weights, then announces them with their open-set thresholds, their known region
   * (where known actions live in the embedding space; empty: none fitted) and the gate's decision.
   */
  public CheckpointAnnouncement publish(
      String version,
      WeightsWriter weights,
      Optional<String> parentVersion,
      TrainingSummary training,
      Map<String, Double> metrics,
      List<OpenSetThresholds> openSet,
      Optional<KnownRegionReferences> knownRegion,
      Optional<Judged> gate)
      throws IOException {
    Instant now = Instant.now();
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("modelName", modelName);
    manifest.put("preset", preset);
    manifest.put("parentVersion", parentVersion.orElse(null));
    manifest.put("training", summaryMap(training));
    manifest.put("metrics", metrics);
    manifest.put("createdAt", now.toString());
    gate.ifPresent(
        g -> {
          manifest.put("status", g.status().name());
          manifest.put("gate", Map.of("reason", g.decision().getReason()));
        });
    StoredCheckpoint stored;
    try {
      stored = store.put(version, weights, manifest);
    } catch (CheckpointExistsException e) {
      // stored before a crash, perhaps never announced (the state is saved after both): announce
      // the stored weights now; announcing a version twice is harmless, never announcing it is not
      stored = store.find(version).orElseThrow(() -> e);
      LOG.info(
          "checkpoint {} was stored before a restart: announcing the stored weights (sha256 {})",
          version,
          stored.sha256());
    }
    CheckpointAnnouncement a =
        CheckpointAnnouncement.newBuilder()
            .setModelName(modelName)
            .setVersion(version)
            .setUri(stored.uri().toString())
            .setSha256(stored.sha256())
            .setSizeBytes(stored.sizeBytes())
            .setPreset(preset)
            .setParentVersion(parentVersion.orElse(null))
            .setTraining(training)
            .setMetrics(new LinkedHashMap<>(metrics))
            .setCreatedAt(now)
            .setOpenSet(List.copyOf(openSet))
            .setKnownRegion(knownRegion.orElse(null))
            .setStatus(gate.map(Judged::status).orElse(null))
            .setGate(gate.map(Judged::decision).orElse(null))
            .build();
    signingKey.ifPresent(key -> a.setSignature(CheckpointSigning.sign(a, key)));
    sink.send(a);
    return a;
  }

  /**
   * Copies the weights of a stored version into {@code target} and checks them against the SHA-256
   * and size written with them, so that a trainer resuming its gate compares with exactly what it
   * promoted.
   *
   * @return whether the version is in the store (false: nothing was written)
   * @throws IOException when the copy fails or the weights differ from their manifest (the message
   *     names both digests)
   */
  public boolean readBack(String version, Path target) throws IOException {
    Optional<StoredCheckpoint> stored = store.find(version);
    if (stored.isEmpty()) {
      return false;
    }
    try (InputStream in = store.open(version)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    DirectoryCheckpointStore.Digest d = DirectoryCheckpointStore.hashAndSync(target);
    if (!d.sha256().equals(stored.get().sha256()) || d.size() != stored.get().sizeBytes()) {
      throw new IOException(
          "checkpoint "
              + version
              + " in the store has SHA-256 "
              + d.sha256()
              + " ("
              + d.size()
              + " bytes), its manifest says "
              + stored.get().sha256()
              + " ("
              + stored.get().sizeBytes()
              + " bytes): the store was changed after it was written");
    }
    return true;
  }

  /**
   * What the gate decided of a checkpoint.
   *
   * @param status promoted or held back
   * @param decision the serving version compared with, the reason and the figures
   */
  public record Judged(CheckpointStatus status, GateDecision decision) {}

  private static Map<String, Object> summaryMap(TrainingSummary t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", t.getMethod());
    m.put("updates", t.getUpdates());
    m.put("clips", t.getClips());
    m.put("offsets", t.getOffsets());
    m.put("mu", t.getMu());
    m.put("sigma", t.getSigma());
    m.put("cycleSnapshots", t.getCycleSnapshots());
    m.put("snapshotInterval", t.getSnapshotInterval());
    m.put("alpha", t.getAlpha());
    m.put("beta", t.getBeta());
    m.put("delta", t.getDelta());
    return m;
  }
}
