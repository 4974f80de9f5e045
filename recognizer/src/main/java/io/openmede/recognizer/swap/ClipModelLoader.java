package io.openmede.recognizer.swap;

import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.InferenceDtype;
import io.openmede.model.VideoBatch;
import io.openmede.model.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Loads CLIP checkpoints for the replicas: replica {@code i} lives on {@code devices.get(i)}; a
 * candidate must have exactly the serving architecture ({@link io.openmede.model.ClipConfig}),
 * since the windows and the class embeddings are made for it; warming runs one clip of {@code
 * frames} zero frames twice ({@link #warmUp}).
 */
public final class ClipModelLoader implements CheckpointInstaller.Loader<ClipModel> {

  private final List<ComputeDevice> devices;
  private final InferenceDtype dtype;
  private final int frames;
  private final BiConsumer<ClipModel, String> prepare;

  /**
   * @param dtype the number type every loaded model infers in
   * @param prepare called with each warmed candidate and its version before the swap (e.g. to
   *     compute the class embeddings of the current vocabulary)
   */
  public ClipModelLoader(
      List<ComputeDevice> devices,
      InferenceDtype dtype,
      int frames,
      BiConsumer<ClipModel, String> prepare) {
    this.devices = List.copyOf(devices);
    this.dtype = dtype;
    this.frames = frames;
    this.prepare = prepare;
  }

  @Override
  public ClipModel load(Path weights, int replica) throws IOException {
    return inferringIn(ClipModel.load(weights, devices.get(replica)), dtype);
  }

  /**
   * {@code model} set to infer in {@code dtype}; closed when that fails.
   *
   * @throws IllegalArgumentException when the dtype should not be used on the model's device
   */
  public static ClipModel inferringIn(ClipModel model, InferenceDtype dtype) {
    try {
      model.setInferenceDtype(dtype);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
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
    warmUp(model, frames);
    prepare.accept(model, version);
  }

  /**
   * Warms {@code model} as {@link #warm} does, then encodes one sample class with the default
   * templates: at start there is no vocabulary to prepare, and a swap's class embeddings (for a
   * text tower not seen before, or for the first vocabulary change after it) run the text tower.
   */
  @Override
  public void rehearse(ClipModel model) {
    warm(model, CheckpointInstaller.REHEARSAL_VERSION);
    new ClassTextEncoder(ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES)
        .encode(model, List.of(SAMPLE_CLASS));
  }

  /** The class a rehearsal encodes. */
  static final String SAMPLE_CLASS = "swap rehearsal";

  /**
   * Runs one clip of zero frames through {@code model}, twice: the compiled image tower (a
   * TorchScript program per model) profiles its first call and builds its optimized plan at the
   * second, so after one call the first batch served would still pay for that (tiny model: 11.6
   * against 6.1 ms for a batch of 3). Batch sizes need no warming: a first batch of a new size
   * measured no slower than later ones.
   */
  public static void warmUp(ClipModel model, int frames) {
    int r = model.config().imageResolution();
    for (int i = 0; i < 2; i++) {
      model.embedVideos(new VideoBatch(new float[frames * 3 * r * r], 1, frames, r));
    }
  }
}
