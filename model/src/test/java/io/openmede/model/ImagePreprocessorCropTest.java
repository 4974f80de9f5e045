package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The crop-only preprocessing gives exactly the floats of resizing the whole frame and cropping
 * (the implementation it replaced, kept here as the reference), and its memory does not grow with
 * the frame's aspect ratio.
 */
class ImagePreprocessorCropTest {

  @Test
  void applyInto_anyShape_equalsFullResizeThenCrop() {
    Random random = new Random(7);
    int[][] shapes = {
      {100, 70}, {70, 100}, {640, 480}, {33, 32}, {32, 200}, {5, 3}, {1, 40}, {40, 1}, {300, 301}
    };
    for (int r : new int[] {16, 32}) {
      for (int[] s : shapes) {
        byte[] rgb = new byte[s[0] * s[1] * 3];
        random.nextBytes(rgb);
        float[] got = new ImagePreprocessor(r).apply(rgb, s[0], s[1]);
        float[] expected = FullResize.apply(r, rgb, s[0], s[1]);
        assertThat(got).as("%dx%d at R=%d", s[0], s[1], r).containsExactly(expected);
      }
    }
  }

  @Test
  void applyInto_onePixelWideFrameOf300000Rows_allocatesLittle() {
    int h = 300_000;
    byte[] rgb = new byte[h * 3];
    new Random(3).nextBytes(rgb);
    ImagePreprocessor pre = new ImagePreprocessor(224);
    float[] out = new float[3 * 224 * 224];
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    pre.applyInto(rgb, 1, h, out, 0);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // a full resize would be 224 x 67,200,000 x 3 floats (180 GB); the crop needs a few MB
    assertThat(allocated).isLessThan(16L * 1024 * 1024);
    for (float v : out) {
      assertThat(Float.isFinite(v)).isTrue();
    }
  }

  @Test
  void applyInto_wideFrame_allocatesLittle() {
    int w = 200_000;
    byte[] rgb = new byte[w * 3];
    ImagePreprocessor pre = new ImagePreprocessor(32);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    pre.apply(rgb, w, 1);
    assertThat(threads.getCurrentThreadAllocatedBytes() - before).isLessThan(4L * 1024 * 1024);
  }

  /** The former implementation: resize the whole frame, then crop. */
  static final class FullResize {
    static float[] apply(int resolution, byte[] rgb, int width, int height) {
      float[] out = new float[3 * resolution * resolution];
      int newW;
      int newH;
      if (width <= height) {
        newW = resolution;
        newH = (int) ((long) resolution * height / width);
      } else {
        newH = resolution;
        newW = (int) ((long) resolution * width / height);
      }
      float[] src = new float[width * height * 3];
      for (int i = 0; i < src.length; i++) {
        src[i] = rgb[i] & 0xff;
      }
      float[] horiz = newW == width ? src : resampleRows(src, width, height, newW);
      float[] both = newH == height ? horiz : resampleColumns(horiz, newW, height, newH);
      int plane = resolution * resolution;
      int top = (int) Math.round((newH - resolution) / 2.0);
      int left = (int) Math.round((newW - resolution) / 2.0);
      for (int y = 0; y < resolution; y++) {
        for (int x = 0; x < resolution; x++) {
          int s = ((top + y) * newW + (left + x)) * 3;
          for (int c = 0; c < 3; c++) {
            float v = Math.min(255f, Math.max(0f, both[s + c])) / 255f;
            out[c * plane + y * resolution + x] =
                (v - ImagePreprocessor.MEAN[c]) / ImagePreprocessor.STD[c];
          }
        }
      }
      return out;
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
}
