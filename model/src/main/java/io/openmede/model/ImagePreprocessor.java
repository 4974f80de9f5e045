package io.openmede.model;

/**
 * CLIP's image preprocessing, from interleaved 8-bit RGB to the normalised planar floats the image
 * tower takes.
 *
 * <p>Steps, as in OpenAI's {@code _transform}: resize so the short side is {@code R} (the long side
 * becomes {@code floor(R * long / short)}, torchvision's rule), using a separable bicubic filter
 * with {@code a = -0.5} that widens its support when shrinking (antialiasing, as PIL's {@code
 * BICUBIC}); centre crop {@code R x R} (offset {@code round((size - R) / 2)}); divide by 255;
 * subtract CLIP's mean and divide by its standard deviation per channel. Unlike PIL, the
 * intermediate result between the horizontal and vertical passes is kept in floating point rather
 * than rounded to 8 bits, so values can differ from PIL's by about one grey level.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImagePreprocessor {

  /** CLIP's per-channel mean (R, G, B) on the 0..1 scale. */
  public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  /** CLIP's per-channel standard deviation (R, G, B) on the 0..1 scale. */
  public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private final int resolution;

  /**
   * @param resolution output side R in pixels (the model's {@link ClipConfig#imageResolution()})
   */
  public ImagePreprocessor(int resolution) {
    if (resolution < 1) {
      throw new IllegalArgumentException("resolution must be >= 1, got " + resolution);
    }
    this.resolution = resolution;
  }

  /** Output side R in pixels. */
  public int resolution() {
    return resolution;
  }

  /**
   * Preprocesses one frame.
   *
   * @param rgb interleaved RGB bytes, row-major, {@code width * height * 3} of them
   * @param width frame width in pixels
   * @param height frame height in pixels
   * @return {@code [3, R, R]} planar normalised floats
   */
  public float[] apply(byte[] rgb, int width, int height) {
    float[] out = new float[3 * resolution * resolution];
    applyInto(rgb, width, height, out, 0);
    return out;
  }

  /**
   * Preprocesses one frame into {@code out} starting at {@code offset} ({@code 3 * R * R} floats
   * are written), so that a whole {@link VideoBatch} can be filled without copies.
   */
  public void applyInto(byte[] rgb, int width, int height, float[] out, int offset) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "frame size must be positive, got " + width + "x" + height);
    }
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "rgb has "
              + rgb.length
              + " bytes, a "
              + width
              + "x"
              + height
              + " RGB frame needs "
              + width * height * 3);
    }
    if (out.length - offset < 3 * resolution * resolution) {
      throw new IllegalArgumentException("output array too short for a " + resolution + " frame");
    }
    int newW;
    int newH;
    if (width <= height) {
      newW = resolution;
      newH = (int) ((long) resolution * height / width);
    } else {
      newH = resolution;
      newW = (int) ((long) resolution * width / height);
    }
    if (newW == width && newH == height) {
      // nothing to resample (the frame's short side is R already): crop straight from the bytes
      cropNormalise(i -> rgb[i] & 0xff, newW, newH, out, offset);
      return;
    }
    float[] src = new float[width * height * 3];
    for (int i = 0; i < src.length; i++) {
      src[i] = rgb[i] & 0xff;
    }
    // a side that keeps its size is not resampled: at scale 1 the filter's taps are exactly 1 at
    // the pixel and 0 elsewhere, so skipping the pass gives the same floats, without the work
    float[] horiz = newW == width ? src : resampleRows(src, width, height, newW);
    float[] both = newH == height ? horiz : resampleColumns(horiz, newW, height, newH);
    cropNormalise(i -> both[i], newW, newH, out, offset);
  }

  /** Interleaved RGB samples of a resized frame, nominally 0..255. */
  private interface Samples {
    float at(int index);
  }

  /**
   * Writes the centre {@code R x R} crop of a {@code newW x newH} frame into {@code out} at {@code
   * offset}, channel-first, clamped to 0..255 and normalised with CLIP's mean and std.
   */
  private void cropNormalise(Samples resized, int newW, int newH, float[] out, int offset) {
    int plane = resolution * resolution;
    int top = (int) Math.round((newH - resolution) / 2.0);
    int left = (int) Math.round((newW - resolution) / 2.0);
    for (int y = 0; y < resolution; y++) {
      for (int x = 0; x < resolution; x++) {
        int s = ((top + y) * newW + (left + x)) * 3;
        for (int c = 0; c < 3; c++) {
          float v = Math.min(255f, Math.max(0f, resized.at(s + c))) / 255f;
          out[offset + c * plane + y * resolution + x] = (v - MEAN[c]) / STD[c];
        }
      }
    }
  }

  private static double cubic(double x) {
    double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0;
  }

  /** Filter taps for resampling {@code in} samples to {@code out}: [start, weights...]. */
  private static double[][] taps(int in, int out, int[] starts) {
    double scale = (double) in / out;
    double filterScale = Math.max(1.0, scale);
    double support = 2.0 * filterScale;
    double[][] weights = new double[out][];
    for (int o = 0; o < out; o++) {
      double center = (o + 0.5) * scale;
      int min = (int) Math.max(0, Math.floor(center - support + 0.5));
      int max = (int) Math.min(in, Math.floor(center + support + 0.5));
      double[] w = new double[Math.max(0, max - min)];
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        w[i] = cubic((min + i - center + 0.5) / filterScale);
        sum += w[i];
      }
      if (sum != 0) {
        for (int i = 0; i < w.length; i++) {
          w[i] /= sum;
        }
      }
      starts[o] = min;
      weights[o] = w;
    }
    return weights;
  }

  private static float[] resampleRows(float[] src, int w, int h, int newW) {
    int[] starts = new int[newW];
    double[][] weights = taps(w, newW, starts);
    float[] dst = new float[newW * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < newW; x++) {
        double[] wt = weights[x];
        for (int c = 0; c < 3; c++) {
          double acc = 0;
          for (int i = 0; i < wt.length; i++) {
            acc += wt[i] * src[(y * w + starts[x] + i) * 3 + c];
          }
          dst[(y * newW + x) * 3 + c] = (float) acc;
        }
      }
    }
    return dst;
  }

  private static float[] resampleColumns(float[] src, int w, int h, int newH) {
    int[] starts = new int[newH];
    double[][] weights = taps(h, newH, starts);
    float[] dst = new float[w * newH * 3];
    for (int y = 0; y < newH; y++) {
      double[] wt = weights[y];
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          double acc = 0;
          for (int i = 0; i < wt.length; i++) {
            acc += wt[i] * src[((starts[y] + i) * w + x) * 3 + c];
          }
          dst[(y * w + x) * 3 + c] = (float) acc;
        }
      }
    }
    return dst;
  }
}
