package io.openmede.world;

import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A rendered clip: T frames of {@code width*height*3} bytes of interleaved 8-bit RGB, row-major,
 * top row first, in temporal order.
 *
 * <p>The frame arrays are shared, not copied: callers must not modify them. Record equality
 * compares arrays by identity; use {@link #sameFrames} to compare contents.
 *
 * @param spec what the clip shows
 * @param frames the frames, oldest first
 * @param width frame width in pixels
 * @param height frame height in pixels
 */
public record Clip(ClipSpec spec, List<byte[]> frames, int width, int height) {

  /** Checks that every frame has {@code width*height*3} bytes. */
  public Clip {
    Objects.requireNonNull(spec, "spec");
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a clip needs at least one frame, got none");
    }
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).length != width * height * 3) {
        throw new IllegalArgumentException(
            "frame "
                + i
                + " has "
                + frames.get(i).length
                + " bytes, expected width*height*3 = "
                + width * height * 3);
      }
    }
  }

  /** The class label: the action's name, for example {@code "moving left"}. */
  public String label() {
    return spec.action().label();
  }

  /** The action (for a scene-only clip: the action whose label the clip carries). */
  public Action action() {
    return spec.action();
  }

  /** The background scene. */
  public Scene scene() {
    return spec.scene();
  }

  /** Whether the action is base or novel. */
  public Action.Split split() {
    return spec.action().split();
  }

  /** Whether the scene is the action's home scene. */
  public boolean isHomeScene() {
    return spec.isHomeScene();
  }

  /** Whether the actor is drawn (false for scene-only clips). */
  public boolean hasActor() {
    return spec.actorVisible();
  }

  /** Number of frames T. */
  public int frameCount() {
    return frames.size();
  }

  /** Whether both clips have byte-identical frames in the same order. */
  public boolean sameFrames(Clip other) {
    if (other.frames.size() != frames.size()) {
      return false;
    }
    for (int i = 0; i < frames.size(); i++) {
      if (!java.util.Arrays.equals(frames.get(i), other.frames.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * This clip as an Avro {@link LabeledClip} with raw RGB frames ({@link FrameEncoding#RGB}).
   *
   * @param clipId the record's id and key
   * @param splitTag {@code "train"} for training, any other tag for held-out clips
   */
  public LabeledClip toLabeledClip(String clipId, String splitTag) {
    List<ByteBuffer> buffers = new ArrayList<>(frames.size());
    for (byte[] frame : frames) {
      buffers.add(ByteBuffer.wrap(frame));
    }
    return LabeledClip.newBuilder()
        .setClipId(clipId)
        .setLabel(label())
        .setWidth(width)
        .setHeight(height)
        .setEncoding(FrameEncoding.RGB)
        .setFrames(buffers)
        .setSource(spec.describe())
        .setSplit(splitTag)
        .build();
  }
}
