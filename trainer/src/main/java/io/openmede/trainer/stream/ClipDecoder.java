package io.openmede.trainer.stream;

import io.openmede.model.ImagePreprocessor;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;
import javax.imageio.ImageIO;

/**
 * Validates a {@link LabeledClip} and turns its JPEG or RGB frames into the model's normalised
 * {@code [T, 3, R, R]} floats. Refuses (with the reason) a label outside a fixed vocabulary, a
 * frame count other than T, frames that do not decode, and inconsistent sizes.
 *
 * <p>Training clips only touch the vocabulary when their split is 'train'. Not thread-safe (the
 * open vocabulary grows).
 */
public final class ClipDecoder {

  /** The split tag of training clips. */
  public static final String TRAIN_SPLIT = "train";

  /** The longest video id accepted. */
  static final int MAX_VIDEO_ID = 1024;

  private final int frames;
  private final ImagePreprocessor preprocessor;
  private final TrainingVocabulary vocabulary;

  /**
   * @param frames T, frames every clip must have
   * @param preprocessor CLIP preprocessing at the model's resolution
   * @param vocabulary training vocabulary
   */
  public ClipDecoder(int frames, ImagePreprocessor preprocessor, TrainingVocabulary vocabulary) {
    if (frames < 1) {
      throw new IllegalArgumentException("frames per clip must be >= 1, got " + frames);
    }
    this.frames = frames;
    this.preprocessor = preprocessor;
    this.vocabulary = vocabulary;
  }

  /** The vocabulary. */
  public TrainingVocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * Decodes a clip.
   *
   * @throws ClipRejectedException with the reason when the clip cannot be used
   */
  public DecodedClip decode(LabeledClip clip) throws ClipRejectedException {
    String split = clip.getSplit() == null ? TRAIN_SPLIT : clip.getSplit();
    String label = clip.getLabel();
    OptionalInt index;
    if (TRAIN_SPLIT.equals(split)) {
      index = vocabulary.indexOf(label);
      if (index.isEmpty()) {
        throw new ClipRejectedException(
            "label '"
                + label
                + "' of clip "
                + clip.getClipId()
                + " is not in the training vocabulary "
                + vocabulary.labels()
                + "; add it to trainer.vocabulary or leave that setting empty to train on every"
                + " label seen");
      }
    } else {
      index = OptionalInt.of(-1);
    }
    List<ByteBuffer> data = clip.getFrames();
    if (data.size() != frames) {
      throw new ClipRejectedException(
          "clip " + clip.getClipId() + " has " + data.size() + " frames, expected " + frames);
    }
    int w = clip.getWidth();
    int h = clip.getHeight();
    if (w < 1 || h < 1) {
      throw new ClipRejectedException(
          "clip " + clip.getClipId() + " has frame size " + w + "x" + h + ", expected positive");
    }
    int frameSize = 3 * preprocessor.resolution() * preprocessor.resolution();
    float[] pixels = new float[frames * frameSize];
    for (int t = 0; t < frames; t++) {
      byte[] rgb = rgbOf(clip, t, bytes(data.get(t)), w, h);
      preprocessor.applyInto(rgb, w, h, pixels, t * frameSize);
    }
    String video = clip.getVideoId();
    if (video != null && (video.isBlank() || video.length() > MAX_VIDEO_ID)) {
      throw new ClipRejectedException(
          "clip "
              + clip.getClipId()
              + " has a video id of "
              + video.length()
              + " characters; it must be 1 to "
              + MAX_VIDEO_ID
              + " (or null for a clip that is a video of its own)");
    }
    return new DecodedClip(
        clip.getClipId(),
        label,
        index.getAsInt(),
        split,
        pixels,
        frames,
        video == null ? clip.getClipId() : video);
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static byte[] rgbOf(LabeledClip clip, int t, byte[] data, int w, int h)
      throws ClipRejectedException {
    if (clip.getEncoding() == FrameEncoding.RGB) {
      if (data.length != w * h * 3) {
        throw new ClipRejectedException(
            "frame "
                + t
                + " of clip "
                + clip.getClipId()
                + " has "
                + data.length
                + " bytes, a "
                + w
                + "x"
                + h
                + " RGB frame needs "
                + w * h * 3);
      }
      return data;
    }
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(data));
    } catch (IOException | RuntimeException e) {
      throw new ClipRejectedException(
          "frame " + t + " of clip " + clip.getClipId() + " is not a decodable JPEG: " + e, e);
    }
    if (img == null) {
      throw new ClipRejectedException(
          "frame " + t + " of clip " + clip.getClipId() + " is not a decodable JPEG image");
    }
    if (img.getWidth() != w || img.getHeight() != h) {
      throw new ClipRejectedException(
          "frame "
              + t
              + " of clip "
              + clip.getClipId()
              + " is "
              + img.getWidth()
              + "x"
              + img.getHeight()
              + ", the record says "
              + w
              + "x"
              + h);
    }
    byte[] rgb = new byte[w * h * 3];
    int i = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = img.getRGB(x, y);
        rgb[i++] = (byte) (p >> 16);
        rgb[i++] = (byte) (p >> 8);
        rgb[i++] = (byte) p;
      }
    }
    return rgb;
  }
}
