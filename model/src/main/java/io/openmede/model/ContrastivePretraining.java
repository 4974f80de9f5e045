package io.openmede.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIP's own pretraining: both towers and the logit scale trained with the symmetric contrastive
 * loss on image–caption pairs.
 *
 * <p>For a batch of n pairs with L2-normalised image features I and text features T, logits =
 * exp(s) · I·Tᵀ and
 *
 * <pre>
 * loss = (CE(logits, diag) + CE(logitsᵀ, diag)) / 2
 * </pre>
 *
 * where CE is the row-wise cross-entropy averaged over rows. Every weight (image tower, text tower,
 * projections, s) is updated with {@link AdamW} (decoupled decay, none on tensors of at most one
 * dimension) at a linear warm-up plus cosine learning rate; s is clamped to [0, ln 100] after every
 * step, as in CLIP. Images are single frames (no temporal attention).
 *
 * <p>The trainer holds its own copy of the weights; {@link #save} writes them in the format {@link
 * ClipModel#load} reads. Not thread-safe; gradient computations are serialised JVM-wide, with those
 * of {@link ClipModel} ({@code Backprop}).
 */
public final class ContrastivePretraining implements AutoCloseable {

  /** Upper bound of the logit scale s, as in CLIP: exp(s) at most 100. */
  public static final double MAX_LOGIT_SCALE = Math.log(100);

  /**
   * Hyper-parameters.
   *
   * @param peakLearningRate learning rate after warm-up
   * @param finalLearningRate learning rate at the end of the cosine
   * @param warmupSteps steps of linear warm-up
   * @param totalSteps steps at which the cosine ends
   * @param adamw AdamW's betas, epsilon and weight decay
   */
  public record Settings(
      double peakLearningRate,
      double finalLearningRate,
      long warmupSteps,
      long totalSteps,
      AdamW.Settings adamw) {
    /** Validates, naming the bad value. */
    public Settings {
      if (!(peakLearningRate > 0)) {
        throw new IllegalArgumentException(
            "peak learning rate must be > 0, got " + peakLearningRate);
      }
      if (!(finalLearningRate >= 0 && finalLearningRate <= peakLearningRate)) {
        throw new IllegalArgumentException(
            "final learning rate must be in [0, peak], got " + finalLearningRate);
      }
      if (warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
        throw new IllegalArgumentException(
            "need 0 <= warm-up <= total and total >= 1, got warm-up "
                + warmupSteps
                + " total "
                + totalSteps);
      }
    }

    /** The learning rate at step {@code step} (0-based): linear warm-up, then cosine. */
    public double learningRate(long step) {
      if (step < warmupSteps) {
        return peakLearningRate * (step + 1) / warmupSteps;
      }
      double span = Math.max(1, totalSteps - warmupSteps);
      double progress = Math.min(1.0, (step - warmupSteps) / span);
      return finalLearningRate
          + (peakLearningRate - finalLearningRate) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
  }

  /**
   * What one step did.
   *
   * @param step 0-based index of the step
   * @param loss contrastive loss before the update
   * @param learningRate rate used
   * @param logitScale exp(s) after the update
   */
  public record StepReport(long step, double loss, double learningRate, double logitScale) {}

  private final ClipConfig config;
  private final ComputeDevice device;
  private final NDManager manager;
  private final LinkedHashMap<String, NDArray> weights = new LinkedHashMap<>();
  private final Settings settings;
  private final AdamW adamw;
  private final ClipTokenizer tokenizer = ClipTokenizer.standard();
  private final Map<String, int[]> tokenCache = new HashMap<>();
  private ParameterSet live;
  private DataType dtype = DataType.FLOAT32;
  private long step;

  private ContrastivePretraining(
      ClipConfig config,
      ComputeDevice device,
      Map<String, float[]> values,
      Map<String, long[]> shapes,
      Settings settings) {
    this.config = config;
    this.device = device;
    this.settings = settings;
    this.manager = DjlDevices.root(device).newSubManager();
    for (Map.Entry<String, long[]> e : CheckpointReader.openAiShapes(config).entrySet()) {
      float[] v = values.get(e.getKey());
      if (v == null) {
        manager.close();
        throw new IllegalArgumentException("missing weight " + e.getKey());
      }
      weights.put(e.getKey(), manager.create(v, new Shape(shapes.get(e.getKey()))));
    }
    this.live = ParameterSet.liveView(device, weights);
    this.adamw = new AdamW(settings.adamw());
  }

  /** Starts from CLIP's random initialisation of {@code config} ({@link ClipModel#random}). */
  public static ContrastivePretraining fromRandom(
      ClipConfig config, long seed, ComputeDevice device, Settings settings) throws IOException {
    Path tmp = Files.createTempFile("openmede-init", ".safetensors");
    try {
      try (ClipModel m = ClipModel.random(config, seed, device)) {
        m.saveSafetensors(tmp);
      }
      return fromWeights(tmp, device, settings);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Continues from a weights file ({@link ClipModel#load}'s formats). */
  public static ContrastivePretraining fromWeights(
      Path weightsFile, ComputeDevice device, Settings settings) throws IOException {
    CheckpointReader.Checkpoint c = CheckpointReader.read(weightsFile);
    ClipConfig cfg = CheckpointReader.inferConfig(c, weightsFile);
    CheckpointReader.checkComplete(c, cfg, weightsFile);
    return new ContrastivePretraining(cfg, device, c.values(), c.shapes(), settings);
  }

  /** The architecture. */
  public ClipConfig config() {
    return config;
  }

  /** The hyper-parameters. */
  public Settings settings() {
    return settings;
  }

  /** Steps taken so far. */
  public long steps() {
    return step;
  }

  /** exp(s), the current factor on cosine similarities. */
  public double logitScale() {
    return Math.exp(live.values("logit_scale")[0]);
  }

  /** A LIVE view of every weight (both towers and the logit scale). */
  public ParameterSet parameters() {
    return live;
  }

  /** Captions to padded token rows of the model's context length (cached by caption). */
  public int[][] tokenize(List<String> captions) {
    int[][] out = new int[captions.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          tokenCache.computeIfAbsent(
              captions.get(i), c -> tokenizer.encodePadded(c, config.contextLength()));
    }
    return out;
  }

  /**
   * One AdamW step on a batch of pairs.
   *
   * @param images {@code [n, 3, R, R]} CLIP-normalised pixels (see {@link ImagePreprocessor})
   * @param captions n captions, caption i describes image i
   */
  public StepReport step(float[] images, List<String> captions) {
    double lr = settings.learningRate(step);
    double loss;
    try (LossAndGradient lg = lossAndGradient(images, tokenize(captions))) {
      loss = lg.loss();
      adamw.step(live, lg.gradient(), lr);
    }
    clampLogitScale();
    StepReport r = new StepReport(step, loss, lr, logitScale());
    step++;
    return r;
  }

  private void clampLogitScale() {
    NDArray s = weights.get("logit_scale");
    double v = live.values("logit_scale")[0];
    double c = Math.max(0, Math.min(MAX_LOGIT_SCALE, v));
    if (c != v) {
      s.set(new NDIndex("..."), (float) c);
    }
  }

  /** The contrastive loss of a batch at the current weights, without a gradient. */
  public double loss(float[] images, List<String> captions) {
    try (LossAndGradient lg = lossAndGradient(images, tokenize(captions))) {
      return lg.loss();
    }
  }

  /**
   * The symmetric contrastive loss and its gradient with respect to every weight.
   *
   * @param images {@code [n, 3, R, R]} CLIP-normalised pixels
   * @param tokens n rows of at most contextLength token ids (zero padded)
   * @return loss, an owned gradient (names as {@link #parameters()}), and the number of images
   *     whose best caption is their own
   */
  public LossAndGradient lossAndGradient(float[] images, int[][] tokens) {
    int n = tokens.length;
    int r = config.imageResolution();
    if (n < 1 || images.length != (long) n * 3 * r * r) {
      throw new IllegalArgumentException(
          "images has "
              + images.length
              + " floats; "
              + n
              + " captions need "
              + (long) n * 3 * r * r);
    }
    int context = config.contextLength();
    int used = 1;
    for (int i = 0; i < n; i++) {
      if (tokens[i].length > context) {
        throw new IllegalArgumentException(
            "caption " + i + " has " + tokens[i].length + " tokens, context is " + context);
      }
      int end = 0;
      for (int j = 1; j < tokens[i].length; j++) {
        if (tokens[i][j] > tokens[i][end]) {
          end = j;
        }
      }
      used = Math.max(used, end + 1);
    }
    // The text tower is causal and pools at the end token: positions after the last end token of
    // the batch cannot change any output, so the forward pass runs on the first `len` positions
    // only (rounded up to a multiple of 8), with the positional embedding sliced to match.
    int len = Math.min(context, (used + 7) / 8 * 8);
    long[] flat = new long[n * len];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < Math.min(len, tokens[i].length); j++) {
        flat[i * len + j] = tokens[i][j];
      }
    }
    ClipConfig textConfig =
        len == context
            ? config
            : new ClipConfig(
                config.embedDim(),
                config.imageResolution(),
                config.visionLayers(),
                config.visionWidth(),
                config.visionPatchSize(),
                len,
                config.vocabSize(),
                config.transformerWidth(),
                config.transformerHeads(),
                config.transformerLayers());
    float[] eye = new float[n * n];
    for (int i = 0; i < n; i++) {
      eye[i * n + i] = 1f;
    }
    return Backprop.lossAndGradient(
        manager,
        device,
        weights,
        (step, src) -> src,
        (stepManager, leaves) -> {
          NDArray positions = leaves.get("positional_embedding");
          NDArray slicedPositions =
              len == context ? positions : positions.get(new NDIndex("0:{}", len));
          slicedPositions.attach(stepManager);
          ClipForward f =
              new ClipForward(
                  textConfig,
                  stepManager,
                  name -> name.equals("positional_embedding") ? slicedPositions : leaves.get(name),
                  dtype);
          NDArray pixels = stepManager.create(images, new Shape(n, 3, r, r));
          if (dtype != DataType.FLOAT32) {
            pixels = pixels.toType(dtype, false);
          }
          NDArray img = normalise(f.images(pixels, n, 1, false));
          NDArray txt = normalise(f.text(flat, n));
          NDArray scale = leaves.get("logit_scale").exp();
          NDArray logits = img.matMul(txt.transpose()).mul(scale);
          NDArray diag = stepManager.create(eye, new Shape(n, n)).toType(dtype, false);
          NDArray imageToText = logits.logSoftmax(1).mul(diag).sum();
          NDArray textToImage = logits.logSoftmax(0).mul(diag).sum();
          NDArray loss = imageToText.add(textToImage).mul(f.scalar(-0.5 / n));
          return new Backprop.Forward(loss, logits);
        },
        i -> i);
  }

  private static NDArray normalise(NDArray x) {
    return x.div(x.square().sum(new int[] {1}, true).sqrt());
  }

  /**
   * Writes every weight as safetensors in OpenAI naming with the config in the metadata (as {@link
   * ClipModel#saveSafetensors}), stored as {@code dtype} ({@code F32} or {@code F16}).
   *
   * @param extraMetadata further metadata entries (e.g. seed and steps), may be empty; written in
   *     key order, so that the file's bytes do not depend on the map's iteration order ({@code
   *     Map.of} iterates in an order that changes from one JVM to the next)
   */
  public void save(Path file, String dtype, Map<String, String> extraMetadata) throws IOException {
    LinkedHashMap<String, Safetensors.Tensor> out = new LinkedHashMap<>();
    for (String name : live.names()) {
      out.put(name, new Safetensors.Tensor(live.shape(name), live.values(name)));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("naming", "openai-clip");
    meta.put("embed_dim", Integer.toString(config.embedDim()));
    meta.put("image_resolution", Integer.toString(config.imageResolution()));
    meta.put("vision_layers", Integer.toString(config.visionLayers()));
    meta.put("vision_width", Integer.toString(config.visionWidth()));
    meta.put("vision_patch_size", Integer.toString(config.visionPatchSize()));
    meta.put("vision_heads", Integer.toString(config.visionHeads()));
    meta.put("context_length", Integer.toString(config.contextLength()));
    meta.put("vocab_size", Integer.toString(config.vocabSize()));
    meta.put("transformer_width", Integer.toString(config.transformerWidth()));
    meta.put("transformer_heads", Integer.toString(config.transformerHeads()));
    meta.put("transformer_layers", Integer.toString(config.transformerLayers()));
    meta.putAll(new java.util.TreeMap<>(extraMetadata));
    Safetensors.write(file, out, meta, dtype);
  }

  /** Converts every weight to {@code type} (FLOAT64 for finite-difference checks in tests). */
  void castForTesting(DataType type) {
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      NDArray c = e.getValue().toType(type, true);
      c.attach(manager);
      e.getValue().close();
      e.setValue(c);
    }
    this.live = ParameterSet.liveView(device, weights);
    this.dtype = type;
  }

  /** Frees the weights and the optimiser state. Idempotent. */
  @Override
  public void close() {
    adamw.close();
    manager.close();
  }
}
