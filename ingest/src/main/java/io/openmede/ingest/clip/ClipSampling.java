package io.openmede.ingest.clip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which frames of a video make its clips, as in the paper's training and test views. Immutable.
 *
 * <ul>
 *   <li>{@link Strided}: {@code frames} frames {@code stride} apart (the paper: 8 frames at stride
 *       16). Several clips are spaced evenly over the video, each centred in its share of it (as
 *       MMAction2's test-mode {@code SampleFrames}); frames past the end wrap to the start.
 *   <li>{@link Segments}: the video is cut into {@code frames} equal segments and each clip takes
 *       one frame per segment: the middle one for a single clip, evenly offset ones for several
 *       (TSN-style).
 * </ul>
 */
public sealed interface ClipSampling {

  static ClipSampling strided(int frames, int stride) {
    return new Strided(frames, stride);
  }

  static ClipSampling segments(int frames) {
    return new Segments(frames);
  }

  /** Parses {@code strided:8x16} or {@code segments:8}. */
  static ClipSampling parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("strided:")) {
        String[] p = t.substring(8).split("x");
        return strided(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
      }
      if (t.startsWith("segments:")) {
        return segments(Integer.parseInt(t.substring(9)));
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "clip sampling '"
            + text
            + "' is neither strided:FRAMESxSTRIDE (strided:8x16) nor"
            + " segments:FRAMES (segments:8)");
  }

  /** Frames per clip (T). */
  int frames();

  /**
   * The 0-based frame indices of each clip of a video of {@code totalFrames} frames, in temporal
   * order.
   */
  List<int[]> clips(int totalFrames, int clipsPerVideo);

  /** T frames at a fixed stride. */
  record Strided(int frames, int stride) implements ClipSampling {
    public Strided {
      if (frames < 1 || stride < 1) {
        throw new IllegalArgumentException(
            "strided sampling needs frames >= 1 and stride >= 1, got " + frames + "x" + stride);
      }
    }

    @Override
    public List<int[]> clips(int totalFrames, int clipsPerVideo) {
      check(totalFrames, clipsPerVideo);
      int span = (frames - 1) * stride + 1;
      List<int[]> clips = new ArrayList<>(clipsPerVideo);
      double share = Math.max(0, totalFrames - span + 1) / (double) clipsPerVideo;
      for (int c = 0; c < clipsPerVideo; c++) {
        int start = totalFrames >= span ? (int) ((c + 0.5) * share) : 0;
        int[] idx = new int[frames];
        for (int i = 0; i < frames; i++) {
          idx[i] = (start + i * stride) % totalFrames;
        }
        clips.add(idx);
      }
      return clips;
    }

    @Override
    public String toString() {
      return "strided:" + frames + "x" + stride;
    }
  }

  /** T segments, one frame from each. */
  record Segments(int frames) implements ClipSampling {
    public Segments {
      if (frames < 1) {
        throw new IllegalArgumentException("segment sampling needs frames >= 1, got " + frames);
      }
    }

    @Override
    public List<int[]> clips(int totalFrames, int clipsPerVideo) {
      check(totalFrames, clipsPerVideo);
      double segment = totalFrames / (double) frames;
      List<int[]> clips = new ArrayList<>(clipsPerVideo);
      for (int c = 0; c < clipsPerVideo; c++) {
        int[] idx = new int[frames];
        for (int i = 0; i < frames; i++) {
          idx[i] = Math.min(totalFrames - 1, (int) (segment * (i + (c + 0.5) / clipsPerVideo)));
        }
        clips.add(idx);
      }
      return clips;
    }

    @Override
    public String toString() {
      return "segments:" + frames;
    }
  }

  private static void check(int totalFrames, int clipsPerVideo) {
    if (totalFrames < 1) {
      throw new IllegalArgumentException(
          "cannot sample clips from a video of " + totalFrames + " frames");
    }
    if (clipsPerVideo < 1) {
      throw new IllegalArgumentException(
          "clips per video " + clipsPerVideo + " must be at least 1");
    }
  }
}
