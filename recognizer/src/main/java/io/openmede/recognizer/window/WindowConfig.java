package io.openmede.recognizer.window;

/**
 * How frames of one stream are cut into clips: {@code frames} sampled frames per window, taken
 * every {@code stride} (frames or milliseconds), a new window every {@code hop} (frames or
 * milliseconds), waiting at most {@code reorderBound} frames for a missing frame before treating it
 * as lost.
 *
 * @param frames T, the number of frames in a clip (the model's temporal length)
 * @param spacing the unit of {@code hop} and {@code stride}
 * @param hop distance between the first frames of consecutive windows, in frames or ms
 * @param stride distance between consecutive sampled frames in a window, in frames or ms
 * @param reorderBound how many frames beyond a missing frame may arrive before the missing one is
 *     given up and a new window starts after it
 */
public record WindowConfig(
    int frames, WindowSpacing spacing, long hop, long stride, int reorderBound) {

  /** The largest T accepted. */
  public static final int MAX_FRAMES = 256;

  public WindowConfig {
    if (spacing == null) {
      throw new IllegalArgumentException("window spacing must be FRAMES or TIME, got null");
    }
    if (frames < 1 || frames > MAX_FRAMES) {
      throw new IllegalArgumentException(
          "window length " + frames + " frames is outside 1.." + MAX_FRAMES);
    }
    String unit = spacing == WindowSpacing.FRAMES ? " frames" : " ms";
    if (stride < 1) {
      throw new IllegalArgumentException("window stride " + stride + unit + " must be at least 1");
    }
    if (hop < 1) {
      throw new IllegalArgumentException("window hop " + hop + unit + " must be at least 1");
    }
    long span = frames * stride;
    if (hop > span) {
      String length =
          stride == 1 && spacing == WindowSpacing.FRAMES
              ? frames + " frames"
              : frames + " frames x stride " + stride + unit + " = " + span + unit;
      String hopText = spacing == WindowSpacing.FRAMES ? String.valueOf(hop) : hop + " ms";
      throw new IllegalArgumentException(
          "window hop " + hopText + " exceeds window length " + length);
    }
    if (reorderBound < 0) {
      throw new IllegalArgumentException(
          "window reorder bound " + reorderBound + " frames must not be negative");
    }
  }

  /** T consecutive frames, a new window every {@code hop} frames, stride 1. */
  public static WindowConfig ofFrames(int frames, int hop) {
    return new WindowConfig(frames, WindowSpacing.FRAMES, hop, 1, 2 * frames);
  }

  /** The same with another stride (in this config's unit). */
  public WindowConfig withStride(long newStride) {
    return new WindowConfig(frames, spacing, hop, newStride, reorderBound);
  }

  /** The same with another reorder bound (frames). */
  public WindowConfig withReorderBound(int newBound) {
    return new WindowConfig(frames, spacing, hop, stride, newBound);
  }
}
