package io.openmede.recognizer;

import io.openmede.settings.Settings;
import java.nio.file.Path;
import java.util.List;

/**
 * Which announced checkpoints the recognizer follows and installs.
 *
 * @param modelName which model line of the checkpoints topic to follow
 * @param follow whether to follow the checkpoints topic at all
 * @param cache where verified checkpoint copies are kept
 * @param roots the checkpoint store directories an announced file may lie in
 * @param trustedKeys Ed25519 public key files; when any, announcements must be signed by one
 * @param allowDowngrade whether a checkpoint older than the serving one is installed
 * @param operatorKeys Ed25519 public key files of the operators, whose signed promote, rollback and
 *     unpin are applied
 * @param warmSwap whether a swap is rehearsed at start, so that the first one is as smooth as later
 *     ones
 */
public record CheckpointSettings(
    String modelName,
    boolean follow,
    Path cache,
    List<Path> roots,
    List<Path> trustedKeys,
    boolean allowDowngrade,
    List<Path> operatorKeys,
    boolean warmSwap) {

  public CheckpointSettings {
    roots = List.copyOf(roots);
    trustedKeys = List.copyOf(trustedKeys);
    operatorKeys = List.copyOf(operatorKeys);
  }

  /** Settings that trust no operator key. */
  public CheckpointSettings(
      String modelName,
      boolean follow,
      Path cache,
      List<Path> roots,
      List<Path> trustedKeys,
      boolean allowDowngrade) {
    this(modelName, follow, cache, roots, trustedKeys, allowDowngrade, List.of(), true);
  }

  /** Converts resolved settings of {@link RecognizerSettings#GROUP}. */
  public static CheckpointSettings from(Settings s) {
    return new CheckpointSettings(
        s.get(RecognizerSettings.MODEL_NAME).orElse("openmede-" + s.get(RecognizerSettings.PRESET)),
        s.get(RecognizerSettings.FOLLOW_CHECKPOINTS),
        Path.of(s.get(RecognizerSettings.CHECKPOINT_CACHE)),
        s.get(RecognizerSettings.CHECKPOINT_ROOTS).stream()
            .map(r -> Path.of(r).toAbsolutePath())
            .toList(),
        s.get(RecognizerSettings.TRUSTED_KEYS).stream().map(Path::of).toList(),
        s.get(RecognizerSettings.ALLOW_DOWNGRADE),
        s.get(RecognizerSettings.OPERATOR_KEYS).stream().map(Path::of).toList(),
        s.get(RecognizerSettings.WARM_SWAP));
  }
}
