package io.openmede.bench.recognizer;

import io.openmede.model.ClipModel;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The checkpoints the paced phase swaps in, as the trainer makes them: the serving weights with the
 * image tower changed (by 1 % per checkpoint) and the text tower frozen, saved in the work
 * directory (the recognizer's checkpoint root) and announced unsigned.
 */
final class SwapCheckpoints {

  private SwapCheckpoints() {}

  /** {@code count} checkpoints, {@code bench-ckpt-1 ..}, each one step from the one before. */
  static List<CheckpointAnnouncement> make(RecognizerSettings rs, Path workDir, int count)
      throws Exception {
    List<CheckpointAnnouncement> announcements = new ArrayList<>();
    try (ClipModel m = BareScorer.servingModel(rs)) {
      for (int k = 1; k <= count; k++) {
        try (var change = m.parameters().copy()) {
          m.parameters().addScaled(change, 0.01);
        }
        Path weights = workDir.resolve("bench-ckpt-" + k + ".safetensors");
        m.saveSafetensors(weights);
        announcements.add(
            announcement(rs.checkpoints().modelName(), "bench-ckpt-" + k, k, weights));
      }
    }
    return announcements;
  }

  private static CheckpointAnnouncement announcement(
      String modelName, String version, long updates, Path weights) throws Exception {
    byte[] bytes = Files.readAllBytes(weights);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    return CheckpointAnnouncement.newBuilder()
        .setModelName(modelName)
        .setVersion(version)
        .setUri(weights.toUri().toString())
        .setSha256(sha)
        .setSizeBytes(bytes.length)
        .setPreset("tiny")
        .setTraining(
            new TrainingSummary("plain", updates, 0L, Map.of(), 0.0, 1.0, 1, 1, 0.0, 0.0, 0.0))
        .setCreatedAt(Instant.now())
        .build();
  }
}
