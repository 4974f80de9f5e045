package io.openmede.world;

import java.util.Objects;
import java.util.Optional;

/**
 * One frame of a {@link SyntheticCamera}.
 *
 * @param cameraId the camera's stream id
 * @param index frame number from 0, strictly increasing
 * @param timestampMicros presentation time since the stream's start in microseconds: {@code
 *     round(index * 1e6 / fps)}; add the wall-clock start to get a capture time
 * @param rgb {@code width*height*3} bytes of interleaved 8-bit RGB, row-major (not copied: do not
 *     modify)
 * @param width in pixels
 * @param height in pixels
 * @param action the action shown, if the camera is labeled
 * @param segment the index of the action segment this frame belongs to
 */
public record CameraFrame(
    String cameraId,
    long index,
    long timestampMicros,
    byte[] rgb,
    int width,
    int height,
    Optional<Action> action,
    long segment) {

  /** Checks for nulls and the image size. */
  public CameraFrame {
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(action, "action");
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "frame has " + rgb.length + " bytes, expected width*height*3 = " + width * height * 3);
    }
  }

  /** The label of the action shown, if the camera is labeled. */
  public Optional<String> label() {
    return action.map(Action::label);
  }
}
