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
 * <p>Only the crop's {@code R x R} samples of the resized frame are computed, from the input rows
 * they read: the same floats as resizing the whole frame, with work and memory bounded by the input
 * and {@code R}, whatever the frame's aspect ratio (a 1-pixel-wide frame 300,000 rows tall would
 * otherwise be resized to 224 x 67 million).
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
    long needed = 3L * width * height;
    if (rgb.length != needed) {
      throw new IllegalArgumentException(
          "rgb has "
              + rgb.length
              + " bytes, a "
              + width
              + "x"
              + height
              + " RGB frame needs "
              + needed);
    }
    if (out.length - offset < 3 * resolution * resolution) {
      throw new IllegalArgumentException("output array too short for a " + resolution + " frame");
    }
    // the resized frame's size, as torchvision computes it; it may be huge for a very thin frame,
    // so only the crop's R x R samples of it are ever computed (the same floats as a full resize)
    long newW;
    long newH;
    if (width <= height) {
      newW = resolution;
      newH = (long) resolution * height / width;
    } else {
      newH = resolution;
      newW = (long) resolution * width / height;
    }
    long top = Math.round((newH - resolution) / 2.0);
    long left = Math.round((newW - resolution) / 2.0);
    Taps columns = newW == width ? null : Taps.of(width, newW, left, resolution);
    Taps rows = newH == height ? null : Taps.of(height, newH, top, resolution);
    // input rows the crop's output rows read
    int firstRow = rows == null ? (int) top : rows.firstInput();
    int lastRow = rows == null ? (int) top + resolution : rows.endInput();
    int n = lastRow - firstRow;
    // horizontal pass over those rows only, R output columns: [n][R][3]
    float[] horiz = new float[n * resolution * 3];
    for (int y = 0; y < n; y++) {
      int rowBase = (firstRow + y) * width;
      for (int x = 0; x < resolution; x++) {
        for (int c = 0; c < 3; c++) {
          float v;
          if (columns == null) {
            v = rgb[(rowBase + (int) left + x) * 3 + c] & 0xff;
          } else {
            double[] wt = columns.weights[x];
            int start = columns.starts[x];
            double acc = 0;
            for (int i = 0; i < wt.length; i++) {
              acc += wt[i] * (rgb[(rowBase + start + i) * 3 + c] & 0xff);
            }
            v = (float) acc;
          }
          horiz[(y * resolution + x) * 3 + c] = v;
        }
      }
    }
    // vertical pass for the R output rows, then clamp and normalise into the planar output
    int plane = resolution * resolution;
    for (int y = 0; y < resolution; y++) {
      for (int x = 0; x < resolution; x++) {
        for (int c = 0; c < 3; c++) {
          float v;
          if (rows == null) {
            v = horiz[(((int) top + y - firstRow) * resolution + x) * 3 + c];
          } else {
            double[] wt = rows.weights[y];
            int start = rows.starts[y] - firstRow;
            double acc = 0;
            for (int i = 0; i < wt.length; i++) {
              acc += wt[i] * horiz[((start + i) * resolution + x) * 3 + c];
            }
            v = (float) acc;
          }
          float clamped = Math.min(255f, Math.max(0f, v)) / 255f;
          out[offset + c * plane + y * resolution + x] = (clamped - MEAN[c]) / STD[c];
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

  /**
   * Filter taps for {@code count} consecutive output samples from {@code first} when resampling
   * {@code in} samples to {@code out} (PIL's bicubic, widened when shrinking): for each, the first
   * input sample it reads and the weights.
   */
  private record Taps(int[] starts, double[][] weights) {
    static Taps of(int in, long out, long first, int count) {
      double scale = (double) in / out;
      double filterScale = Math.max(1.0, scale);
      double support = 2.0 * filterScale;
      int[] starts = new int[count];
      double[][] weights = new double[count][];
      for (int k = 0; k < count; k++) {
        double center = (first + k + 0.5) * scale;
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
        starts[k] = min;
        weights[k] = w;
      }
      return new Taps(starts, weights);
    }

    /** The first input sample any of these outputs reads. */
    int firstInput() {
      int m = Integer.MAX_VALUE;
      for (int k = 0; k < starts.length; k++) {
        m = Math.min(m, starts[k]);
      }
      return m;
    }

    /** One past the last input sample any of these outputs reads. */
    int endInput() {
      int m = 0;
      for (int k = 0; k < starts.length; k++) {
        m = Math.max(m, starts[k] + weights[k].length);
      }
      return m;
    }
  }
}
