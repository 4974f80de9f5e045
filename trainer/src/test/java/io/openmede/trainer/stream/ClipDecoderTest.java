package io.openmede.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.model.ImagePreprocessor;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ClipDecoderTest {

  static LabeledClip rgbClip(String id, String label, int frames, int w, int h) {
    List<ByteBuffer> f = new ArrayList<>();
    for (int t = 0; t < frames; t++) {
      byte[] b = new byte[w * h * 3];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (i * 7 + t * 31);
      }
      f.add(ByteBuffer.wrap(b));
    }
    return LabeledClip.newBuilder()
        .setClipId(id)
        .setLabel(label)
        .setWidth(w)
        .setHeight(h)
        .setEncoding(FrameEncoding.RGB)
        .setFrames(f)
        .setSource("test")
        .setSplit("train")
        .build();
  }

  private final ClipDecoder decoder =
      new ClipDecoder(
          2, new ImagePreprocessor(8), TrainingVocabulary.fixed(List.of("wave", "jump")));

  @Test
  void decode_rgbClip_givesNormalisedFramesAndLabelIndex() throws Exception {
    DecodedClip c = decoder.decode(rgbClip("c1", "jump", 2, 8, 8));
    assertThat(c.labelIndex()).isEqualTo(1);
    assertThat(c.pixels()).hasSize(2 * 3 * 8 * 8);
    float[] first =
        new ImagePreprocessor(8)
            .apply(rgbClip("c1", "jump", 2, 8, 8).getFrames().get(0).array(), 8, 8);
    assertThat(java.util.Arrays.copyOf(c.pixels(), first.length)).containsExactly(first);
  }

  @Test
  void decode_jpegClip_decodesFrames() throws Exception {
    BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
    img.setRGB(3, 3, 0xff0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpg", out);
    LabeledClip clip = rgbClip("c2", "wave", 2, 16, 12);
    clip.setEncoding(FrameEncoding.JPEG);
    clip.setFrames(List.of(ByteBuffer.wrap(out.toByteArray()), ByteBuffer.wrap(out.toByteArray())));
    assertThat(decoder.decode(clip).pixels()).hasSize(2 * 3 * 64);
  }

  @Test
  void decode_labelOutsideVocabulary_isRejectedWithReason() {
    assertThatThrownBy(() -> decoder.decode(rgbClip("c3", "dance", 2, 8, 8)))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("label 'dance'")
        .hasMessageContaining("not in the training vocabulary");
  }

  @Test
  void decode_videoId_isTheRecordsOrTheClipIdAndIsBounded() throws Exception {
    assertThat(decoder.decode(rgbClip("c7", "wave", 2, 8, 8)).videoId()).isEqualTo("c7");
    LabeledClip view = rgbClip("v.mp4#1", "wave", 2, 8, 8);
    view.setVideoId("v.mp4");
    assertThat(decoder.decode(view).videoId()).isEqualTo("v.mp4");
    view.setVideoId("x".repeat(ClipDecoder.MAX_VIDEO_ID + 1));
    assertThatThrownBy(() -> decoder.decode(view))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("video id of 1025 characters");
    view.setVideoId(" ");
    assertThatThrownBy(() -> decoder.decode(view)).isInstanceOf(ClipRejectedException.class);
  }

  @Test
  void decode_wrongFrameCount_isRejectedWithReason() {
    assertThatThrownBy(() -> decoder.decode(rgbClip("c4", "wave", 3, 8, 8)))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("has 3 frames, expected 2");
  }

  @Test
  void decode_undecodableJpeg_isRejectedWithReason() {
    LabeledClip clip = rgbClip("c5", "wave", 2, 8, 8);
    clip.setEncoding(FrameEncoding.JPEG);
    assertThatThrownBy(() -> decoder.decode(clip))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("frame 0 of clip 'c5': not a JPEG");
  }

  @Test
  void decode_rgbOfWrongSize_isRejectedWithReason() {
    LabeledClip clip = rgbClip("c6", "wave", 2, 8, 8);
    clip.setWidth(9);
    assertThatThrownBy(() -> decoder.decode(clip))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("RGB frame needs 216");
  }

  @Test
  void openVocabulary_growsWithEveryTrainingLabel_heldOutClipsDoNotTouchIt() throws Exception {
    TrainingVocabulary v = TrainingVocabulary.open(List.of());
    ClipDecoder d = new ClipDecoder(2, new ImagePreprocessor(8), v);
    d.decode(rgbClip("a", "wave", 2, 8, 8));
    LabeledClip held = rgbClip("b", "novel", 2, 8, 8);
    held.setSplit("eval");
    assertThat(d.decode(held).labelIndex()).isEqualTo(-1);
    d.decode(rgbClip("c", "jump", 2, 8, 8));
    assertThat(v.labels()).containsExactly("wave", "jump");
  }

  static byte[] jpeg(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "jpg", out);
    return out.toByteArray();
  }

  @Test
  void decode_heldOutClipWithAMegabyteLabel_isRefusedAtOnce_andNothingIsKept() {
    LabeledClip clip = rgbClip("big", "a".repeat(1 << 20), 2, 8, 8);
    clip.setSplit("eval");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> decoder.decode(clip))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("the label of clip 'big' is refused")
        .hasMessageContaining("at most 200");
    assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
  }

  @Test
  void decode_labelIsCleaned_likeAVocabularyLabel() throws Exception {
    assertThat(decoder.decode(rgbClip("c8", "  jump ", 2, 8, 8)).label()).isEqualTo("jump");
  }

  @Test
  void decode_jpegDeclaringAHugeImage_isRefusedBeforeDecoding() throws Exception {
    byte[] j = jpeg(16, 12);
    int sof = 2;
    while (!((j[sof] & 0xff) == 0xff && (j[sof + 1] & 0xff) == 0xc0)) {
      sof++;
    }
    for (int k = 5; k <= 8; k++) {
      j[sof + k] = (byte) 0xff; // height and width 65535
    }
    LabeledClip clip = rgbClip("bomb", "wave", 2, 16, 12);
    clip.setWidth(65535);
    clip.setHeight(65535);
    clip.setEncoding(FrameEncoding.JPEG);
    clip.setFrames(List.of(ByteBuffer.wrap(j), ByteBuffer.wrap(j)));
    assertThatThrownBy(() -> decoder.decode(clip))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("65535x65535 has a side over 8192 pixels (frames.max-side)");
    clip.setWidth(16);
    clip.setHeight(12);
    assertThatThrownBy(() -> decoder.decode(clip))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("JPEG is 65535x65535 but the record says 16x12");
  }

  @Test
  void decode_tallThinRgbFrames_refusedBeyondTheLimits_andDecodedWithinThem() throws Exception {
    assertThatThrownBy(() -> decoder.decode(rgbClip("thin", "wave", 2, 1, 9000)))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("1x9000 has a side over 8192");
    ClipDecoder roomy =
        new ClipDecoder(
            2,
            new ImagePreprocessor(8),
            TrainingVocabulary.fixed(List.of("wave")),
            new io.openmede.schemas.values.FrameLimits(65_535, 1_000_000));
    assertThat(roomy.decode(rgbClip("thin", "wave", 2, 1, 60_000)).pixels()).hasSize(2 * 3 * 64);
  }

  @Test
  void openVocabulary_full_refusesANewLabel_andARefusedClipAddsNoLabel() throws Exception {
    TrainingVocabulary v = TrainingVocabulary.open(List.of(), 2);
    ClipDecoder d = new ClipDecoder(2, new ImagePreprocessor(8), v);
    LabeledClip bad = rgbClip("x", "ghost", 2, 8, 8);
    bad.setWidth(9);
    assertThatThrownBy(() -> d.decode(bad)).isInstanceOf(ClipRejectedException.class);
    d.decode(rgbClip("a", "wave", 2, 8, 8));
    d.decode(rgbClip("b", "jump", 2, 8, 8));
    assertThatThrownBy(() -> d.decode(rgbClip("c", "spin", 2, 8, 8)))
        .isInstanceOf(ClipRejectedException.class)
        .hasMessageContaining("trainer.vocabulary.max-labels");
    assertThat(d.decode(rgbClip("d", "wave", 2, 8, 8)).labelIndex()).isZero();
    assertThat(v.labels()).containsExactly("wave", "jump");
  }
}
