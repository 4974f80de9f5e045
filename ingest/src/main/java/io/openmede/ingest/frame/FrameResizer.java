package io.openmede.ingest.frame;

import io.openmede.ingest.source.DecodedFrame;

/**
 * Bilinear resizing of packed RGB frames in Java, for sources FFmpeg does not decode (images, the
 * synthetic world) and for live streams, whose size is only known once they are connected. Video
 * files are scaled by FFmpeg while decoding instead. Stateless and thread-safe.
 */
public final class FrameResizer {
  private FrameResizer() {}

  /** The frame scaled to {@code size}, or the same frame when it already has that size. */
  public static DecodedFrame resize(DecodedFrame frame, FrameSize size) {
    int w = size.widthFor(frame.width(), frame.height());
    int h = size.heightFor(frame.width(), frame.height());
    if (w == frame.width() && h == frame.height()) {
      return frame;
    }
    return new DecodedFrame(
        resize(frame.rgb(), frame.width(), frame.height(), w, h),
        w,
        h,
        frame.sequence(),
        frame.captureTime(),
        frame.position());
  }

  /**
   * Scales packed RGB pixels ({@code width * height * 3} bytes) to {@code outWidth x outHeight}
   * with bilinear interpolation, sampling at pixel centres.
   */
  public static byte[] resize(byte[] rgb, int width, int height, int outWidth, int outHeight) {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + width * height * 3 + " RGB bytes for " + width + "x" + height);
    }
    if (outWidth < 1 || outHeight < 1) {
      throw new IllegalArgumentException("output size " + outWidth + "x" + outHeight + " is empty");
    }
    byte[] out = new byte[outWidth * outHeight * 3];
    int[] x0 = new int[outWidth];
    int[] x1 = new int[outWidth];
    int[] fx = new int[outWidth];
    double sx = (double) width / outWidth;
    for (int x = 0; x < outWidth; x++) {
      double src = Math.max(0, (x + 0.5) * sx - 0.5);
      int i = Math.min((int) src, width - 1);
      x0[x] = i * 3;
      x1[x] = Math.min(i + 1, width - 1) * 3;
      fx[x] = (int) Math.round((src - i) * 256);
    }
    double sy = (double) height / outHeight;
    int o = 0;
    for (int y = 0; y < outHeight; y++) {
      double src = Math.max(0, (y + 0.5) * sy - 0.5);
      int j = Math.min((int) src, height - 1);
      int row0 = j * width * 3;
      int row1 = Math.min(j + 1, height - 1) * width * 3;
      int fy = (int) Math.round((src - j) * 256);
      for (int x = 0; x < outWidth; x++) {
        for (int c = 0; c < 3; c++) {
          int a = rgb[row0 + x0[x] + c] & 0xff;
          int b = rgb[row0 + x1[x] + c] & 0xff;
          int d = rgb[row1 + x0[x] + c] & 0xff;
          int e = rgb[row1 + x1[x] + c] & 0xff;
          int top = a * 256 + (b - a) * fx[x];
          int bottom = d * 256 + (e - d) * fx[x];
          int v = top * 256 + (bottom - top) * fy;
          out[o++] = (byte) ((v + (1 << 15)) >> 16);
        }
      }
    }
    return out;
  }
}
