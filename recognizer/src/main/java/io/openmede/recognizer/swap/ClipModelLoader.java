package io.openmede.recognizer.swap;

import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.VideoBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Loads CLIP checkpoints for the replicas: replica {@code i} lives on {@code devices.get(i)}; a
 * candidate must have exactly the serving architecture ({@link io.openmede.model.ClipConfig}),
 * since the windows and the class embeddings are made for it; warming runs batches of zero frames
 * in the serving shapes ({@link #warmUp}) on the calling thread (the checkpoint follower's, at low
 * priority), so that the new model's first micro-batches do not pay for first-time allocations.
 */
public final class ClipModelLoader implements CheckpointInstaller.Loader<ClipModel> {

  private final List<ComputeDevice> devices;
  private final int frames;
  private final int maxBatch;
  private final BiConsumer<ClipModel, String> prepare;

  /**
   * @param maxBatch the most windows a micro-batch holds (the warm-up's largest shape)
   * @param prepare called with each warmed candidate and its version before the swap (e.g. to
   *     compute the class embeddings of the current vocabulary)
   */
  public ClipModelLoader(
      List<ComputeDevice> devices,
      int frames,
      int maxBatch,
      BiConsumer<ClipModel, String> prepare) {
    this.devices = List.copyOf(devices);
    this.frames = frames;
    this.maxBatch = maxBatch;
    this.prepare = prepare;
  }

  @Override
  public ClipModel load(Path weights, int replica) throws IOException {
    return ClipModel.load(weights, devices.get(replica));
  }

  @Override
  public Optional<String> incompatibility(ClipModel candidate, ClipModel serving) {
    if (!candidate.config().equals(serving.config())) {
      return Optional.of(
          "architecture " + candidate.config() + " differs from the serving " + serving.config());
    }
    return Optional.empty();
  }

  @Override
  public void warm(ClipModel model, String version) {
    warmUp(model, frames, maxBatch);
    prepare.accept(model, version);
  }

  /** The batch sizes a warm-up runs: 1, half of {@code maxBatch} and {@code maxBatch}. */
  static List<Integer> warmUpSizes(int maxBatch) {
    return java.util.stream.IntStream.of(1, (maxBatch + 1) / 2, maxBatch)
        .filter(n -> n >= 1)
        .distinct()
        .boxed()
        .toList();
  }

  /** Runs batches of zero frames through {@code model}, of each size of {@link #warmUpSizes}. */
  public static void warmUp(ClipModel model, int frames, int maxBatch) {
    int r = model.config().imageResolution();
    for (int n : warmUpSizes(maxBatch)) {
      model.embedVideos(new VideoBatch(new float[n * frames * 3 * r * r], n, frames, r));
    }
  }
}
