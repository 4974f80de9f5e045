package io.openmede.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI's CLIP (ViT image tower, causal text tower, logit scale) with Open-VCLIP's temporal
 * attention, on DJL's PyTorch engine.
 *
 * <p>Lifecycle: obtain with {@link #load} or {@link #random}, close when done (frees native memory;
 * parameter sets and gradients handed out as owned sets are separate and must be closed by their
 * holders). Thread-safety: inference methods may be called from several threads at once as long as
 * nobody changes the parameters meanwhile; training calls and parameter changes must not overlap
 * with anything else. Gradient computations are serialised JVM-wide ({@code Backprop}: PyTorch's
 * engine allows one gradient collector at a time).
 *
 * <p>Two implementations of the image tower, held equal by tests: inference ({@link #embedVideos},
 * {@link #encodeImages}) runs a compiled TorchScript program ({@code VisionTowerScript}) in the
 * {@linkplain #setInferenceDtype inference dtype}; gradients go through the op-by-op tower ({@code
 * ClipForward}) in float32.
 */
public final class ClipModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClipModel.class);

  private static final int TEXT_CHUNK = 256;

  private final ClipConfig config;
  private final ComputeDevice device;
  private final NDManager manager;
  private final LinkedHashMap<String, NDArray> weights;
  private ParameterSet trainable;
  private volatile boolean temporal = true;
  private volatile String textHash;
  private DataType dtype = DataType.FLOAT32;
  private final VisionTowerScript tower;

  /** The inference tower's weights and their dtype, swapped together. */
  private volatile InferenceWeights inference;

  private boolean closed;

  private ClipModel(
      ClipConfig config,
      ComputeDevice device,
      Map<String, float[]> values,
      Map<String, long[]> shapes) {
    checkDevice(device);
    this.config = config;
    this.device = device;
    this.manager = DjlDevices.root(device).newSubManager();
    this.weights = new LinkedHashMap<>();
    LinkedHashMap<String, NDArray> visual = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : CheckpointReader.openAiShapes(config).entrySet()) {
      String name = e.getKey();
      float[] data = values.get(name);
      long[] shape = shapes.get(name);
      NDArray a = manager.create(data, new Shape(shape));
      weights.put(name, a);
      if (name.startsWith("visual.")) {
        visual.put(name, a);
      }
    }
    this.trainable = ParameterSet.liveView(device, visual);
    try {
      this.tower = VisionTowerScript.compile(manager);
      this.inference =
          new InferenceWeights(
              InferenceDtype.F32, tower.weights(config, weights, InferenceDtype.F32));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The devices whose first model this process has announced (one info line each). */
  private static final Set<ComputeDevice> ANNOUNCED = ConcurrentHashMap.newKeySet();

  private static void checkDevice(ComputeDevice device) {
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    if (ANNOUNCED.add(device)) {
      // DJL's own probe of CUDA warns on every machine without a usable GPU driver (the launcher's
      // logging keeps it quiet); this is the one line that says where the model runs
      LOG.info(
          "models run on {}; libtorch sees {} GPU(s)",
          device.isGpu() ? "GPU " + device.index() : "the CPU",
          gpus);
    }
    if (device.isGpu()) {
      if (device.index() >= gpus) {
        throw new IllegalArgumentException(
            "device "
                + device
                + " requested but DJL's PyTorch engine sees "
                + gpus
                + " GPU(s); use --device cpu or install a CUDA build of libtorch");
      }
    }
  }

  /**
   * Loads weights and infers the architecture from their shapes, as OpenAI's {@code build_model}.
   *
   * <p>Formats: safetensors in OpenAI naming ({@code visual.*}, {@code transformer.*}, ...) or
   * Hugging Face naming ({@code vision_model.*}, {@code text_model.*}, ...); F32, F16, BF16 and F64
   * (converted to F32); TorchScript archives ({@code .pt} zip files, e.g. OpenAI's released files;
   * F16 converted to F32). The text head count cannot be read from shapes: it comes from the file's
   * metadata ({@code transformer_heads}, which {@link #saveSafetensors} writes) when present, else
   * from a {@code config.json} beside the file, else width / 64.
   *
   * @throws IOException when the file cannot be read or is not a CLIP ViT checkpoint
   */
  public static ClipModel load(Path weights, ComputeDevice device) throws IOException {
    CheckpointReader.Checkpoint c = CheckpointReader.read(weights);
    ClipConfig cfg = CheckpointReader.inferConfig(c, weights);
    CheckpointReader.checkComplete(c, cfg, weights);
    return new ClipModel(cfg, device, c.values(), c.shapes());
  }

  /**
   * Reads only the architecture of a checkpoint (same rules as {@link #load}).
   *
   * @throws IOException when the file cannot be read or is not a CLIP ViT checkpoint
   */
  public static ClipConfig inspect(Path weights) throws IOException {
    CheckpointReader.Checkpoint c = CheckpointReader.read(weights);
    ClipConfig cfg = CheckpointReader.inferConfig(c, weights);
    CheckpointReader.checkComplete(c, cfg, weights);
    return cfg;
  }

  /**
   * A model with random weights initialised as OpenAI's CLIP does ({@code initialize_parameters},
   * PyTorch's defaults for the image tower's linear layers), reproducible by seed.
   */
  public static ClipModel random(ClipConfig config, long seed, ComputeDevice device) {
    SplittableRandom rnd = new SplittableRandom(seed);
    LinkedHashMap<String, long[]> shapes = CheckpointReader.openAiShapes(config);
    LinkedHashMap<String, float[]> values = new LinkedHashMap<>();
    double tw = config.transformerWidth();
    double vw = config.visionWidth();
    double projStd = Math.pow(tw, -0.5) * Math.pow(2.0 * config.transformerLayers(), -0.5);
    double attnStd = Math.pow(tw, -0.5);
    double fcStd = Math.pow(2 * tw, -0.5);
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      String n = e.getKey();
      long[] shape = e.getValue();
      int size = 1;
      for (long d : shape) {
        size = Math.multiplyExact(size, (int) d);
      }
      float[] v = new float[size];
      if (n.equals("logit_scale")) {
        v[0] = (float) Math.log(1 / 0.07);
      } else if (n.endsWith("ln_1.weight")
          || n.endsWith("ln_2.weight")
          || n.endsWith("ln_pre.weight")
          || n.endsWith("ln_post.weight")
          || n.equals("ln_final.weight")) {
        java.util.Arrays.fill(v, 1f);
      } else if (n.endsWith(".bias") || n.endsWith("in_proj_bias")) {
        if (n.startsWith("visual.") && n.contains("mlp.")) {
          fillUniform(rnd, v, 1 / Math.sqrt(shape.length == 1 ? fanIn(shapes, n) : 1));
        }
      } else if (n.equals("token_embedding.weight")) {
        fillNormal(rnd, v, 0.02);
      } else if (n.equals("positional_embedding")) {
        fillNormal(rnd, v, 0.01);
      } else if (n.equals("text_projection")) {
        fillNormal(rnd, v, attnStd);
      } else if (n.equals("visual.class_embedding")
          || n.equals("visual.positional_embedding")
          || n.equals("visual.proj")) {
        fillNormal(rnd, v, Math.pow(vw, -0.5));
      } else if (n.equals("visual.conv1.weight")) {
        fillUniform(
            rnd, v, 1 / Math.sqrt(3.0 * config.visionPatchSize() * config.visionPatchSize()));
      } else if (n.startsWith("visual.")) {
        if (n.endsWith("in_proj_weight")) {
          fillUniform(rnd, v, Math.sqrt(6.0 / (vw + 3 * vw)));
        } else {
          fillUniform(rnd, v, 1 / Math.sqrt(shape[1]));
        }
      } else if (n.endsWith("in_proj_weight")) {
        fillNormal(rnd, v, attnStd);
      } else if (n.endsWith("out_proj.weight") || n.endsWith("c_proj.weight")) {
        fillNormal(rnd, v, projStd);
      } else if (n.endsWith("c_fc.weight")) {
        fillNormal(rnd, v, fcStd);
      } else {
        throw new IllegalStateException("no initialisation rule for " + n);
      }
      values.put(n, v);
    }
    return new ClipModel(config, device, values, shapes);
  }

  private static long fanIn(Map<String, long[]> shapes, String biasName) {
    long[] w = shapes.get(biasName.substring(0, biasName.length() - "bias".length()) + "weight");
    return w == null ? 1 : w[1];
  }

  private static void fillNormal(SplittableRandom rnd, float[] v, double std) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * std);
    }
  }

  private static void fillUniform(SplittableRandom rnd, float[] v, double bound) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
  }

  /** The architecture. */
  public ClipConfig config() {
    return config;
  }

  /** The device the weights live on. */
  public ComputeDevice device() {
    return device;
  }

  /** {@code exp(logit_scale)}: the factor applied to cosine similarities (100 for OpenAI's). */
  public double logitScale() {
    return Math.exp(floats(weights.get("logit_scale"))[0]);
  }

  private ClipForward forward(NDManager step, Map<String, NDArray> overrides) {
    return new ClipForward(
        config,
        step,
        name -> {
          NDArray o = overrides == null ? null : overrides.get(name);
          return o != null ? o : weights.get(name);
        },
        dtype);
  }

  private NDArray pixelsArray(NDManager step, float[] pixels, long n) {
    int r = config.imageResolution();
    NDArray x = step.create(pixels, new Shape(n, 3, r, r));
    return dtype == DataType.FLOAT32 ? x : x.toType(dtype, false);
  }

  /** The image tower for inference: {@code [n, 3, R, R]} pixels to {@code [n, E]} float32. */
  private NDArray inferImages(NDManager step, float[] pixels, int batch, int frames, boolean temp) {
    int r = config.imageResolution();
    NDArray x = step.create(pixels, new Shape((long) batch * frames, 3, r, r));
    InferenceWeights w = inference;
    boolean fused = device.isGpu() || w.dtype() != InferenceDtype.BF16;
    return tower.run(step, x, w.list(), batch, frames, config.visionHeads(), temp, fused);
  }

  private static float[][] rows(NDArray a) {
    NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
    float[] flat = f.toFloatArray();
    int n = (int) a.getShape().get(0);
    int d = (int) a.getShape().get(1);
    float[][] out = new float[n][d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * d, out[i], 0, d);
    }
    return out;
  }

  /**
   * Runs the image tower on single frames (no temporal attention).
   *
   * @param pixels {@code [n, 3, R, R]} normalised floats, row-major
   * @param n number of images
   * @return {@code [n][embedDim]} projected, NOT normalised features
   */
  public float[][] encodeImages(float[] pixels, int n) {
    int r = config.imageResolution();
    if (n < 1 || pixels.length != (long) n * 3 * r * r) {
      throw new IllegalArgumentException(
          "pixels has "
              + pixels.length
              + " floats, [n="
              + n
              + ", 3, "
              + r
              + ", "
              + r
              + "] needs "
              + (long) n * 3 * r * r);
    }
    try (NDManager step = manager.newSubManager()) {
      return rows(inferImages(step, pixels, n, 1, false));
    }
  }

  /**
   * Runs the text tower.
   *
   * @param tokenIds {@code [n][<= contextLength]} token ids (shorter rows are zero padded), each
   *     with an end token, the highest id in its row, where pooling happens
   * @return {@code [n][embedDim]} projected, NOT normalised features
   */
  public float[][] encodeText(int[][] tokenIds) {
    int len = config.contextLength();
    float[][] out = new float[tokenIds.length][];
    for (int start = 0; start < tokenIds.length; start += TEXT_CHUNK) {
      int rows = Math.min(TEXT_CHUNK, tokenIds.length - start);
      long[] flat = new long[rows * len];
      for (int i = 0; i < rows; i++) {
        int[] row = tokenIds[start + i];
        if (row.length > len) {
          throw new IllegalArgumentException(
              "text " + (start + i) + " has " + row.length + " tokens, context is " + len);
        }
        for (int j = 0; j < row.length; j++) {
          if (row[j] < 0 || row[j] >= config.vocabSize()) {
            throw new IllegalArgumentException(
                "token id " + row[j] + " outside the vocabulary of " + config.vocabSize());
          }
          flat[i * len + j] = row[j];
        }
      }
      try (NDManager step = manager.newSubManager()) {
        float[][] part = rows(forward(step, null).text(flat, rows));
        System.arraycopy(part, 0, out, start, rows);
      }
    }
    return out;
  }

  private void checkBatch(VideoBatch batch) {
    if (batch.resolution() != config.imageResolution()) {
      throw new IllegalArgumentException(
          "frames are "
              + batch.resolution()
              + "x"
              + batch.resolution()
              + " but the model takes "
              + config.imageResolution()
              + "x"
              + config.imageResolution());
    }
  }

  /**
   * Video embeddings: the image tower on every frame (with temporal attention when on), projected
   * per frame, averaged over T, L2-normalised.
   *
   * @return {@code [B][embedDim]} unit vectors
   */
  public float[][] embedVideos(VideoBatch batch) {
    checkBatch(batch);
    try (NDManager step = manager.newSubManager()) {
      int b = batch.batch();
      int t = batch.frames();
      NDArray feats = inferImages(step, batch.pixels(), b, t, temporal);
      return rows(ClipForward.videoEmbedding(feats, b, t));
    }
  }

  /**
   * Frame features {@code [B*T][E]} (projected, not normalised) from the op-by-op image tower that
   * gradients go through ({@code ClipForward}), for tests that hold the compiled inference tower to
   * it.
   */
  float[][] frameFeaturesOpByOp(VideoBatch batch) {
    checkBatch(batch);
    try (NDManager step = manager.newSubManager()) {
      int b = batch.batch();
      int t = batch.frames();
      return rows(
          forward(step, null)
              .images(pixelsArray(step, batch.pixels(), (long) b * t), b, t, temporal));
    }
  }

  /** Frame features {@code [B*T][E]} from the compiled inference tower, in the inference dtype. */
  float[][] frameFeatures(VideoBatch batch) {
    checkBatch(batch);
    try (NDManager step = manager.newSubManager()) {
      return rows(inferImages(step, batch.pixels(), batch.batch(), batch.frames(), temporal));
    }
  }

  /**
   * Sets the number type of inference ({@link #embedVideos}, {@link #encodeImages}); float32 by
   * default. {@link InferenceDtype#BF16} copies the image tower's weights to bfloat16 now: changes
   * to {@link #parameters()} made afterwards are not seen by inference until this is called again
   * (a serving model's weights do not change; training keeps float32). Must not overlap inference.
   *
   * @throws IllegalArgumentException when the dtype should not be used on this model's device
   *     ({@link InferenceDtype#unsupportedOn}), with the reason
   */
  public synchronized void setInferenceDtype(InferenceDtype type) {
    type.checkSupportedOn(device);
    InferenceWeights old = inference;
    inference = new InferenceWeights(type, tower.weights(config, weights, type));
    old.list().close();
  }

  /** The number type of inference. */
  public InferenceDtype inferenceDtype() {
    return inference.dtype();
  }

  private record InferenceWeights(InferenceDtype dtype, IValue list) {}

  /**
   * Switches Open-VCLIP's temporal attention on (the default) or off. When on and T > 1, in every
   * image block the queries of frame t attend to the keys and values of frames t-1, t and t+1
   * (projected by the block's own in-projection, concatenated along the token axis); beyond the
   * first and last frame the missing neighbour is a block of zero keys and values, which still
   * takes part in the softmax with score 0. No parameters are added. With it off, or with T = 1,
   * every frame goes through the plain image tower.
   */
  public void setTemporalAttention(boolean on) {
    this.temporal = on;
  }

  /** Whether temporal attention is on. */
  public boolean temporalAttention() {
    return temporal;
  }

  /** Writes all weights as F32 safetensors in OpenAI naming, with the config in the metadata. */
  public void saveSafetensors(Path file) throws IOException {
    LinkedHashMap<String, Safetensors.Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      out.put(
          e.getKey(),
          new Safetensors.Tensor(e.getValue().getShape().getShape(), floats(e.getValue())));
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
    Safetensors.write(file, out, meta);
  }

  private static float[] floats(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  /**
   * SHA-256 (hex) over the text tower's weights (names, shapes, F32 values) and its head count: a
   * key for text-embedding caches. The text tower is frozen, so the value is computed once.
   */
  public String textTowerHash() {
    String h = textHash;
    if (h != null) {
      return h;
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(("heads=" + config.transformerHeads() + ";").getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, NDArray> e : weights.entrySet()) {
        String n = e.getKey();
        if (n.startsWith("visual.") || n.equals("logit_scale")) {
          continue;
        }
        md.update((n + e.getValue().getShape() + ";").getBytes(StandardCharsets.UTF_8));
        float[] v = floats(e.getValue());
        ByteBuffer buf = ByteBuffer.allocate(4 * 65536).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i += 65536) {
          buf.clear();
          int m = Math.min(65536, v.length - i);
          buf.asFloatBuffer().put(v, i, m);
          md.update(buf.array(), 0, 4 * m);
        }
      }
      h = HexFormat.of().formatHex(md.digest());
      textHash = h;
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** Total number of scalars in all weights. */
  public long parameterCount() {
    long n = 0;
    for (NDArray a : weights.values()) {
      n += a.size();
    }
    return n;
  }

  /**
   * A LIVE view of the trainable parameters: the image tower including its projection ({@code
   * visual.*}); the text tower and the logit scale are frozen. Changing the view changes the model.
   * Closing it does nothing.
   */
  public ParameterSet parameters() {
    return trainable;
  }

  /**
   * Cross-entropy of {@code logitScale * cos(video, class)} over the classes, averaged over the
   * batch, and its gradient with respect to {@link #parameters()}, at the current parameters.
   * Temporal attention follows {@link #temporalAttention()}.
   *
   * @param labels {@code [B]} class indices into {@code classes}
   * @return loss, a new owned gradient (close it), and the number of top-1 correct clips
   */
  public LossAndGradient lossAndGradient(VideoBatch batch, int[] labels, ClassEmbeddings classes) {
    return lossAndGradient(trainable, batch, labels, classes);
  }

  /**
   * As {@link #lossAndGradient(VideoBatch, int[], ClassEmbeddings)} but evaluated at the parameter
   * values {@code at} (same names and shapes as {@link #parameters()}); the model's own parameters
   * are left unchanged.
   */
  public LossAndGradient lossAndGradient(
      ParameterSet at, VideoBatch batch, int[] labels, ClassEmbeddings classes) {
    checkBatch(batch);
    if (!at.names().equals(trainable.names())) {
      throw new IllegalArgumentException(
          "parameter set has names " + at.names() + ", expected " + trainable.names());
    }
    if (labels.length != batch.batch()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a batch of " + batch.batch() + " clips");
    }
    if (classes.dimension() != config.embedDim()) {
      throw new IllegalArgumentException(
          "class embeddings have width "
              + classes.dimension()
              + ", the model's embedding is "
              + config.embedDim());
    }
    int b = batch.batch();
    int t = batch.frames();
    int k = classes.size();
    for (int label : labels) {
      if (label < 0 || label >= k) {
        throw new IllegalArgumentException("label " + label + " outside 0.." + (k - 1));
      }
    }
    float[] classFlat = new float[k * config.embedDim()];
    for (int i = 0; i < k; i++) {
      System.arraycopy(
          classes.vectors()[i], 0, classFlat, i * config.embedDim(), config.embedDim());
    }
    float[] oneHot = new float[b * k];
    for (int i = 0; i < b; i++) {
      oneHot[i * k + labels[i]] = 1f;
    }
    Map<String, NDArray> sources = new LinkedHashMap<>();
    for (String name : at.names()) {
      sources.put(name, at.array(name));
    }
    return Backprop.lossAndGradient(
        manager,
        device,
        sources,
        (step, src) -> {
          // every intermediate lands in the source's manager: attach each to this step
          NDArray moved = src.toDevice(DjlDevices.toDjl(device), true);
          moved.attach(step);
          NDArray typed = moved.toType(dtype, true);
          typed.attach(step);
          return typed;
        },
        (step, params) -> {
          ClipForward f = forward(step, params);
          NDArray pixels = pixelsArray(step, batch.pixels(), (long) b * t);
          NDArray video = ClipForward.videoEmbedding(f.images(pixels, b, t, temporal), b, t);
          NDArray cls =
              step.create(classFlat, new Shape(k, config.embedDim())).toType(dtype, false);
          NDArray logits = video.matMul(cls.transpose()).mul(f.scalar(logitScale()));
          NDArray hot = step.create(oneHot, new Shape(b, k)).toType(dtype, false);
          NDArray loss = logits.logSoftmax(1).mul(hot).sum().mul(f.scalar(-1.0 / b));
          return new Backprop.Forward(loss, logits);
        },
        i -> labels[i]);
  }

  /**
   * Converts every weight to {@code type} (FLOAT64 for finite-difference checks in tests). Inputs
   * are converted on the way in, outputs returned as float.
   */
  void castForTesting(DataType type) {
    LinkedHashMap<String, NDArray> visual = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
      NDArray c = e.getValue().toType(type, true);
      c.attach(manager);
      e.getValue().close();
      e.setValue(c);
      if (e.getKey().startsWith("visual.")) {
        visual.put(e.getKey(), c);
      }
    }
    this.trainable = ParameterSet.liveView(device, visual);
    this.dtype = type;
    InferenceWeights old = inference;
    inference = new InferenceWeights(old.dtype(), tower.weights(config, weights, old.dtype()));
    old.list().close();
  }

  /** Frees the model's native memory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    inference.list().close();
    tower.close();
    manager.close();
  }
}
