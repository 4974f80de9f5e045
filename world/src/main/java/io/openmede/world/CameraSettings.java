package io.openmede.world;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link SyntheticCamera} films.
 *
 * @param cameraId the stream id the frames belong to
 * @param framesPerSecond frame rate, which fixes the frames' timestamps; (0, 1000]
 * @param segmentFrames frames per action segment: the camera shows one action for this many frames,
 *     then the next; at least 2
 * @param actions the actions to film, drawn uniformly per segment; not empty
 * @param labeled whether frames carry the current action ({@link CameraFrame#action()})
 * @param seed the stream's seed
 */
public record CameraSettings(
    String cameraId,
    double framesPerSecond,
    int segmentFrames,
    List<Action> actions,
    boolean labeled,
    long seed) {

  /** Default frame rate in frames per second. */
  public static final double DEFAULT_FRAMES_PER_SECOND = 10;

  /** Default segment length in frames. */
  public static final int DEFAULT_SEGMENT_FRAMES = 16;

  /** Validates every component; the message names the bad value. */
  public CameraSettings {
    Objects.requireNonNull(cameraId, "cameraId");
    if (cameraId.isBlank()) {
      throw new IllegalArgumentException("camera id must not be blank");
    }
    if (!(framesPerSecond > 0 && framesPerSecond <= 1000)) {
      throw new IllegalArgumentException(
          "frame rate " + framesPerSecond + " fps is outside (0, 1000] frames per second");
    }
    if (segmentFrames < 2) {
      throw new IllegalArgumentException(
          "segment length " + segmentFrames + " frames is below the minimum of 2 frames");
    }
    actions = List.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a camera needs at least one action, got none");
    }
  }

  /**
   * A labeled camera filming every action at {@value #DEFAULT_FRAMES_PER_SECOND} fps in segments of
   * {@value #DEFAULT_SEGMENT_FRAMES} frames.
   */
  public static CameraSettings of(String cameraId, long seed) {
    return new CameraSettings(
        cameraId,
        DEFAULT_FRAMES_PER_SECOND,
        DEFAULT_SEGMENT_FRAMES,
        List.of(Action.values()),
        true,
        seed);
  }

  /** These settings with another frame rate. */
  public CameraSettings withFramesPerSecond(double fps) {
    return new CameraSettings(cameraId, fps, segmentFrames, actions, labeled, seed);
  }

  /** These settings with another segment length in frames. */
  public CameraSettings withSegmentFrames(int frames) {
    return new CameraSettings(cameraId, framesPerSecond, frames, actions, labeled, seed);
  }

  /** These settings with other actions. */
  public CameraSettings withActions(List<Action> filmed) {
    return new CameraSettings(cameraId, framesPerSecond, segmentFrames, filmed, labeled, seed);
  }

  /** These settings with labels on or off. */
  public CameraSettings withLabeled(boolean on) {
    return new CameraSettings(cameraId, framesPerSecond, segmentFrames, actions, on, seed);
  }
}
