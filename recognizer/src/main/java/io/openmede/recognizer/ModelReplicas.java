package io.openmede.recognizer;

import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DefaultWeights;
import io.openmede.model.TorchThreads;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.platform.service.Resources;
import io.openmede.recognizer.score.ModelClipScorer;
import io.openmede.recognizer.score.OpenSetThresholdBook;
import io.openmede.recognizer.score.ScorerPool;
import io.openmede.recognizer.swap.ClipModelLoader;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.settings.SettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recognizer's model replicas, one per configured device, each loaded, warmed up and put in a
 * {@link ModelSlot} that a checkpoint swap replaces, with the class embeddings they share.
 *
 * @param devices the replicas' devices, in slot order
 * @param slots one slot per device (closed with the resources they were opened in)
 * @param classes the class embeddings of the vocabulary, by text tower
 * @param version the version of the initial weights
 * @param weights the file of the initial weights; empty when they are random
 */
record ModelReplicas(
    Optional<Path> weights,
    List<ComputeDevice> devices,
    List<ModelSlot<ClipModel>> slots,
    ClassEmbeddingCache classes,
    String version,
    OpenSetThresholdBook thresholds,
    ClassEmbeddingCache background) {

  private static final Logger LOG = LoggerFactory.getLogger(ModelReplicas.class);

  /**
   * Loads one replica per device of {@code settings}, each closed with {@code opened}.
   *
   * @param frames the frames of a window, for the warm-up
   * @throws IOException when the initial weights cannot be read
   */
  static ModelReplicas load(ModelSettings settings, int frames, Resources opened)
      throws IOException {
    applyModelThreads(settings.threads());
    List<ComputeDevice> devices = devices(settings);
    Optional<Path> weights =
        settings.weights().isPresent()
            ? settings.weights()
            : DefaultWeights.defaultFor(settings.preset());
    String version = initialVersion(settings, weights);
    List<ModelSlot<ClipModel>> slots = new ArrayList<>();
    for (ComputeDevice d : devices) {
      slots.add(opened.add(replica(settings, weights, d, version, frames), ModelSlot::close));
    }
    return new ModelReplicas(
        weights,
        devices,
        List.copyOf(slots),
        new ClassEmbeddingCache(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES),
        version,
        new OpenSetThresholdBook(
            settings.openSetScore(),
            java.util.OptionalInt.of(slots.get(0).peek().config().embedDim())),
        new ClassEmbeddingCache(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES));
  }

  /** Class embeddings dropped so far because their class left the vocabulary (both caches). */
  long classEmbeddingsEvicted() {
    return classes.evictedCount() + background.evictedCount();
  }

  /** Class embeddings kept now (both caches). */
  long classEmbeddingsKept() {
    return classes.size() + background.size();
  }

  /** A scorer per replica, taken in turn by the stream threads. */
  ScorerPool scorers() {
    return ScorerPool.roundRobin(
        slots.stream()
            .map(s -> new ModelClipScorer(s, classes, Optional.of(thresholds), background))
            .toList());
  }

  /** Loads a checkpoint as these replicas are loaded (device, number type, warm-up, classes). */
  ClipModelLoader loader(ModelSettings settings, int frames) {
    return new ClipModelLoader(devices, settings.dtype(), frames, classes::prepare);
  }

  /** The model version served now (by the first replica). */
  String serving() {
    return slots.get(0).version();
  }

  /**
   * Asks for libtorch's intra-op threads ({@code recognizer.model.threads}) for the engine, which
   * reads them when this process loads its first model; a different value asked for before (a JVM
   * option, or a model loaded already) is kept and logged.
   */
  static void applyModelThreads(int threads) {
    if (threads <= 0) {
      return;
    }
    OptionalInt before = TorchThreads.requested();
    if (before.isEmpty()) {
      TorchThreads.set(threads);
    } else if (before.getAsInt() != threads) {
      LOG.warn(
          "{}={} ignored: libtorch intra-op threads were already set to {} in this process"
              + " (-D{})",
          RecognizerSettings.MODEL_THREADS.name(),
          threads,
          before.getAsInt(),
          TorchThreads.PROPERTY);
    }
  }

  /** The devices of the model replicas, each able to run the configured number type. */
  private static List<ComputeDevice> devices(ModelSettings settings) {
    List<ComputeDevice> devices = settings.devices().stream().map(ComputeDevice::parse).toList();
    for (ComputeDevice d : devices) {
      settings
          .dtype()
          .unsupportedOn(d)
          .ifPresent(
              why -> {
                throw new SettingsException(RecognizerSettings.MODEL_DTYPE.name() + ": " + why);
              });
    }
    return devices;
  }

  /** One model replica on {@code device}, loaded, warmed up and put in a slot. */
  private static ModelSlot<ClipModel> replica(
      ModelSettings settings,
      Optional<Path> weights,
      ComputeDevice device,
      String version,
      int frames)
      throws IOException {
    ClipModel m =
        ClipModelLoader.inferringIn(
            weights.isPresent()
                ? ClipModel.load(weights.get(), device)
                : ClipModel.random(ClipConfig.preset(settings.preset()), settings.seed(), device),
            settings.dtype());
    try {
      ClipModelLoader.warmUp(m, frames);
      m.textTowerHash(); // the class embeddings' key: hashed now, not on the first batch
      return ModelSlot.closingInBackground(m, version);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** The version name of the initial weights: file name and hash, or the random seed. */
  static String initialVersion(ModelSettings s, Optional<Path> weights) throws IOException {
    if (weights.isEmpty()) {
      return "random-" + s.preset() + "-seed-" + s.seed();
    }
    Path w = weights.get();
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(w), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return w.getFileName().toString().replaceFirst("\\.safetensors$", "")
          + "@"
          + HexFormat.of()
              .formatHex(((DigestInputStream) in).getMessageDigest().digest())
              .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
