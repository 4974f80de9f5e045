package io.openmede.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.function.Function;

/**
 * The functions of OpenAI's CLIP over explicit weight tensors (OpenAI names), for one forward pass.
 * Every array this pass creates ends up in {@code step}, which the caller closes: results of DJL
 * ops land in the manager of their first operand, so inputs always come first, and arrays derived
 * from weights alone are attached to {@code step} explicitly. Scalars are NDArrays kept in {@code
 * step} (a plain Java number on a differentiated path corrupts gradients, see notes/djl.md).
 */
final class ClipForward {

  private static final float LN_EPS = 1e-5f;

  private final ClipConfig cfg;
  private final NDManager step;
  private final Function<String, NDArray> weights;
  private final DataType dtype;
  private final NDArray quickGeluFactor;

  ClipForward(ClipConfig cfg, NDManager step, Function<String, NDArray> weights, DataType dtype) {
    this.cfg = cfg;
    this.step = step;
    this.weights = weights;
    this.dtype = dtype;
    this.quickGeluFactor = scalar(1.702);
  }

  NDArray scalar(double x) {
    NDArray s = dtype == DataType.FLOAT64 ? step.create(x) : step.create((float) x);
    s.attach(step);
    return s;
  }

  private NDArray own(NDArray a) {
    a.attach(step);
    return a;
  }

  private NDArray w(String name) {
    NDArray a = weights.apply(name);
    if (a == null) {
      throw new IllegalStateException("missing weight " + name);
    }
    return a;
  }

  private NDArray layerNorm(NDArray x, String prefix) {
    NDArray gamma = w(prefix + ".weight");
    return LayerNorm.layerNorm(x, gamma.getShape(), gamma, w(prefix + ".bias"), LN_EPS)
        .singletonOrThrow();
  }

  private NDArray linear(NDArray x, String prefix) {
    return Linear.linear(x, w(prefix + ".weight"), w(prefix + ".bias")).singletonOrThrow();
  }

  /**
   * One residual attention block on {@code x [N, L, D]}; with {@code frames > 1} and temporal
   * attention, N = B * T and frame t's queries also see the keys and values of frames t-1 and t+1
   * (zeros beyond the ends).
   */
  private NDArray block(
      NDArray x, String p, int heads, NDArray mask, int batch, int frames, boolean temporal) {
    Shape s = x.getShape();
    long n = s.get(0);
    long len = s.get(1);
    long width = s.get(2);
    long hd = width / heads;
    NDArray h = layerNorm(x, p + ".ln_1");
    NDArray qkv =
        Linear.linear(h, w(p + ".attn.in_proj_weight"), w(p + ".attn.in_proj_bias"))
            .singletonOrThrow()
            .reshape(n, len, 3, heads, hd)
            .transpose(2, 0, 3, 1, 4);
    NDArray q = qkv.get(0).mul(scalar(1.0 / Math.sqrt(hd)));
    NDArray k = qkv.get(1);
    NDArray v = qkv.get(2);
    if (temporal && frames > 1) {
      k = neighbourFrames(k, batch, frames, heads, len, hd);
      v = neighbourFrames(v, batch, frames, heads, len, hd);
    }
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray o = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(n, len, width);
    x = x.add(linear(o, p + ".attn.out_proj"));
    NDArray m = linear(layerNorm(x, p + ".ln_2"), p + ".mlp.c_fc");
    m = m.mul(Activation.sigmoid(m.mul(quickGeluFactor)));
    return x.add(linear(m, p + ".mlp.c_proj"));
  }

  /** {@code [B*T, H, L, hd]} to {@code [B*T, H, 3L, hd]}: frames t-1, t, t+1, zero padded. */
  private NDArray neighbourFrames(NDArray a, int batch, int frames, int heads, long len, long hd) {
    NDArray a5 = a.reshape(batch, frames, heads, len, hd);
    NDArray zero = step.zeros(new Shape(batch, 1, heads, len, hd), a.getDataType());
    NDArray padded = NDArrays.concat(new NDList(zero, a5, zero), 1);
    NDArray prev = padded.get(new NDIndex(":, 0:{}", frames));
    NDArray next = padded.get(new NDIndex(":, 2:{}", frames + 2));
    return NDArrays.concat(new NDList(prev, a5, next), 3)
        .reshape((long) batch * frames, heads, 3 * len, hd);
  }

  /**
   * The image tower: {@code pixels [B*T, 3, R, R]} to projected features {@code [B*T, E]}.
   *
   * @param temporal whether frames of one clip attend to their neighbours
   */
  NDArray images(NDArray pixels, int batch, int frames, boolean temporal) {
    int n = batch * frames;
    int r = cfg.imageResolution();
    int p = cfg.visionPatchSize();
    int g = r / p;
    int d = cfg.visionWidth();
    NDArray patches =
        pixels
            .reshape(n, 3, g, p, g, p)
            .transpose(0, 2, 4, 1, 3, 5)
            .reshape(n, (long) g * g, 3L * p * p);
    NDArray conv = own(w("visual.conv1.weight").reshape(d, 3L * p * p));
    NDArray x = Linear.linear(patches, conv).singletonOrThrow();
    NDArray cls = step.zeros(new Shape(n, 1, d), x.getDataType()).add(w("visual.class_embedding"));
    x = NDArrays.concat(new NDList(cls, x), 1);
    x = x.add(w("visual.positional_embedding"));
    x = layerNorm(x, "visual.ln_pre");
    for (int i = 0; i < cfg.visionLayers(); i++) {
      x =
          block(
              x,
              "visual.transformer.resblocks." + i,
              cfg.visionHeads(),
              null,
              batch,
              frames,
              temporal);
    }
    NDArray c = layerNorm(x.get(new NDIndex(":, 0, :")), "visual.ln_post");
    return c.matMul(w("visual.proj"));
  }

  /** The text tower: {@code tokens [n, L]} (int64) to projected features {@code [n, E]}. */
  NDArray text(long[] tokens, int rows) {
    int len = cfg.contextLength();
    NDArray ids = step.create(tokens, new Shape(tokens.length));
    NDArray x = own(w("token_embedding.weight").get(new NDIndex("{}", ids)));
    x = x.reshape(rows, len, cfg.transformerWidth()).add(w("positional_embedding"));
    float[] maskValues = new float[len * len];
    for (int i = 0; i < len; i++) {
      for (int j = i + 1; j < len; j++) {
        maskValues[i * len + j] = Float.NEGATIVE_INFINITY;
      }
    }
    NDArray mask = step.create(maskValues, new Shape(len, len)).toType(x.getDataType(), false);
    for (int i = 0; i < cfg.transformerLayers(); i++) {
      x = block(x, "transformer.resblocks." + i, cfg.transformerHeads(), mask, rows, 1, false);
    }
    x = layerNorm(x, "ln_final");
    long[] pool = new long[rows];
    for (int row = 0; row < rows; row++) {
      int best = 0;
      for (int j = 1; j < len; j++) {
        if (tokens[row * len + j] > tokens[row * len + best]) {
          best = j;
        }
      }
      pool[row] = (long) row * len + best;
    }
    NDArray pooled =
        x.reshape((long) rows * len, cfg.transformerWidth())
            .get(new NDIndex("{}", step.create(pool, new Shape(rows))));
    return pooled.matMul(w("text_projection"));
  }

  /** Mean over frames of {@code [B*T, E]} features, then L2 normalisation: {@code [B, E]}. */
  static NDArray videoEmbedding(NDArray frameFeatures, int batch, int frames) {
    NDArray v =
        frameFeatures.reshape(batch, frames, frameFeatures.getShape().get(1)).mean(new int[] {1});
    return v.div(v.square().sum(new int[] {1}, true).sqrt());
  }
}
