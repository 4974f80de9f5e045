package io.openmede.trainer.stream;

import io.openmede.model.ImagePreprocessor;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.values.FrameLimits;
import io.openmede.schemas.values.JpegHeader;
import io.openmede.schemas.values.Labels;
import io.openmede.schemas.values.Printable;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Validates a {@link LabeledClip} and turns its JPEG or RGB frames into the model's normalised
 * {@code [T, 3, R, R]} floats. Refuses (with the reason) a clip id or video id out of bounds, a
 * label that is not a clean label of at most {@value Labels#MAX_LABEL_LENGTH} characters, a label
 * outside a fixed vocabulary (or beyond a full open one), a frame count other than T, a frame size
 * beyond the deployment's {@link FrameLimits} (checked on the stated size and on each JPEG's header
 * before anything is decoded), frames that do not decode, and inconsistent sizes.
 *
 * <p>Training clips only touch the vocabulary when their split is 'train', and only once every
 * other check passed. Not thread-safe (the open vocabulary grows).
 */
public final class ClipDecoder {

  /** The split tag of training clips. */
  public static final String TRAIN_SPLIT = "train";

  /** The longest video id accepted. */
  static final int MAX_VIDEO_ID = 1024;

  /** The longest clip id accepted. */
  static final int MAX_CLIP_ID = 1024;

  private final int frames;
  private final ImagePreprocessor preprocessor;
  private final TrainingVocabulary vocabulary;
  private final FrameLimits limits;

  /** A decoder with the default {@link FrameLimits}. */
  public ClipDecoder(int frames, ImagePreprocessor preprocessor, TrainingVocabulary vocabulary) {
    this(frames, preprocessor, vocabulary, FrameLimits.DEFAULT);
  }

  /**
   * @param frames T, frames every clip must have
   * @param preprocessor CLIP preprocessing at the model's resolution
   * @param vocabulary training vocabulary
   * @param limits the largest frames accepted
   */
  public ClipDecoder(
      int frames,
      ImagePreprocessor preprocessor,
      TrainingVocabulary vocabulary,
      FrameLimits limits) {
    if (frames < 1) {
      throw new IllegalArgumentException("frames per clip must be >= 1, got " + frames);
    }
    this.frames = frames;
    this.preprocessor = preprocessor;
    this.vocabulary = vocabulary;
    this.limits = limits;
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
    String id = clip.getClipId();
    if (id == null || id.isEmpty() || id.length() > MAX_CLIP_ID) {
      throw new ClipRejectedException(
          "a clip id must be 1 to "
              + MAX_CLIP_ID
              + " characters, got "
              + (id == null ? "none" : id.length() + ": " + Printable.quote(id)));
    }
    String split = clip.getSplit() == null ? TRAIN_SPLIT : clip.getSplit();
    String label;
    try {
      label = Labels.clean(clip.getLabel());
    } catch (IllegalArgumentException e) {
      throw new ClipRejectedException(
          "the label of clip " + Printable.quote(id) + " is refused: " + e.getMessage());
    }
    String video = clip.getVideoId();
    if (video != null && (video.isBlank() || video.length() > MAX_VIDEO_ID)) {
      throw new ClipRejectedException(
          "clip "
              + Printable.quote(id)
              + " has a video id of "
              + video.length()
              + " characters; it must be 1 to "
              + MAX_VIDEO_ID
              + " (or null for a clip that is a video of its own)");
    }
    List<ByteBuffer> data = clip.getFrames();
    if (data.size() != frames) {
      throw new ClipRejectedException(
          "clip " + Printable.quote(id) + " has " + data.size() + " frames, expected " + frames);
    }
    int w = clip.getWidth();
    int h = clip.getHeight();
    Optional<String> size = limits.sizeRefusal(w, h);
    if (size.isPresent()) {
      throw new ClipRejectedException("clip " + Printable.quote(id) + ": " + size.get());
    }
    if (TRAIN_SPLIT.equals(split) && vocabulary.isFixed() && vocabulary.indexOf(label).isEmpty()) {
      throw notInVocabulary(id, label);
    }
    int frameSize = 3 * preprocessor.resolution() * preprocessor.resolution();
    float[] pixels = new float[frames * frameSize];
    for (int t = 0; t < frames; t++) {
      byte[] rgb = rgbOf(clip, id, t, data.get(t), w, h);
      preprocessor.applyInto(rgb, w, h, pixels, t * frameSize);
    }
    OptionalInt index = OptionalInt.of(-1);
    if (TRAIN_SPLIT.equals(split)) {
      index = vocabulary.indexOf(label); // an open vocabulary grows here, for a good clip only
      if (index.isEmpty()) {
        throw notInVocabulary(id, label);
      }
    }
    return new DecodedClip(
        id, label, index.getAsInt(), split, pixels, frames, video == null ? id : video);
  }

  private ClipRejectedException notInVocabulary(String id, String label) {
    if (vocabulary.isFixed()) {
      return new ClipRejectedException(
          "label "
              + Printable.quote(label)
              + " of clip "
              + Printable.quote(id)
              + " is not in the training vocabulary "
              + vocabulary.labels()
              + "; add it to trainer.vocabulary or leave that setting empty to train on every"
              + " label seen");
    }
    return new ClipRejectedException(
        "label "
            + Printable.quote(label)
            + " of clip "
            + Printable.quote(id)
            + " is new and the open training vocabulary already holds "
            + vocabulary.size()
            + " labels, its limit (trainer.vocabulary.max-labels): raise it, or fix"
            + " trainer.vocabulary");
  }

  private byte[] rgbOf(LabeledClip clip, String id, int t, ByteBuffer frame, int w, int h)
      throws ClipRejectedException {
    String which = "frame " + t + " of clip " + Printable.quote(id);
    if (clip.getEncoding() == FrameEncoding.RGB) {
      long needed = 3L * w * h;
      if (frame.remaining() != needed) {
        throw new ClipRejectedException(
            which
                + " has "
                + frame.remaining()
                + " bytes, a "
                + w
                + "x"
                + h
                + " RGB frame needs "
                + needed);
      }
      return bytes(frame);
    }
    JpegHeader.Read header = JpegHeader.read(frame.duplicate());
    Optional<String> refused =
        header.refusal().or(() -> header.header().orElseThrow().refusal(limits, w, h));
    if (refused.isPresent()) {
      throw new ClipRejectedException(which + ": " + refused.get());
    }
    BufferedImage img;
    ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
    try (ImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes(frame)))) {
      reader.setInput(in, true, true);
      img = reader.read(0);
    } catch (IOException | RuntimeException e) {
      throw new ClipRejectedException(which + " is not a decodable JPEG: " + e, e);
    } finally {
      reader.dispose();
    }
    if (img.getWidth() != w || img.getHeight() != h) {
      throw new ClipRejectedException(
          which
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

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
