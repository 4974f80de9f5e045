package io.openmede.recognizer.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.recognizer.testing.Frames;
import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

  private static WindowFrame jpegFrame(byte[] data) {
    return new WindowFrame(7, 0, FrameEncoding.JPEG, Frames.SIZE, Frames.SIZE, data);
  }

  @Test
  void rgb_jpeg_equalsImageIoReadAndGetRgb() throws IOException {
    byte[] jpeg = Frames.jpeg(3);
    BufferedImage reference = ImageIO.read(new ByteArrayInputStream(jpeg));
    int[] argb = reference.getRGB(0, 0, Frames.SIZE, Frames.SIZE, null, 0, Frames.SIZE);
    byte[] expected = new byte[3 * argb.length];
    for (int i = 0; i < argb.length; i++) {
      expected[3 * i] = (byte) (argb[i] >> 16);
      expected[3 * i + 1] = (byte) (argb[i] >> 8);
      expected[3 * i + 2] = (byte) argb[i];
    }
    assertThat(FrameDecoder.rgb(jpegFrame(jpeg))).isEqualTo(expected);
  }

  /** What ImageIO decodes, as interleaved RGB. */
  private static byte[] reference(byte[] jpeg) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] rgb = new byte[3 * argb.length];
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
    return rgb;
  }

  private static byte[] encode(BufferedImage image) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "jpeg", out)).isTrue();
    return out.toByteArray();
  }

  private static BufferedImage noise(int w, int h, int type, long seed) {
    BufferedImage image = new BufferedImage(w, h, type);
    java.util.Random random = new java.util.Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  @Test
  void rgb_manyFramesOnOneThread_eachEqualsAFreshDecode() throws IOException {
    // the thread's reader, stream and image are reused: sizes, colour and grey frames and a
    // broken frame in between must not leak into the next frame
    record Case(int w, int h, int type) {}
    List<Case> cases =
        List.of(
            new Case(32, 32, BufferedImage.TYPE_3BYTE_BGR),
            new Case(41, 32, BufferedImage.TYPE_3BYTE_BGR),
            new Case(32, 32, BufferedImage.TYPE_BYTE_GRAY),
            new Case(32, 32, BufferedImage.TYPE_3BYTE_BGR),
            new Case(16, 48, BufferedImage.TYPE_INT_RGB));
    long seed = 1;
    for (int pass = 0; pass < 2; pass++) {
      for (Case c : cases) {
        byte[] jpeg = encode(noise(c.w(), c.h(), c.type(), seed++));
        long sequence = seed;
        WindowFrame frame = new WindowFrame(sequence, 0, FrameEncoding.JPEG, c.w(), c.h(), jpeg);
        assertThat(FrameDecoder.rgb(frame)).as("%s", c).isEqualTo(reference(jpeg));
        byte[] broken = Arrays.copyOf(jpeg, 40);
        assertThatThrownBy(
                () ->
                    FrameDecoder.rgb(
                        new WindowFrame(sequence, 0, FrameEncoding.JPEG, c.w(), c.h(), broken)))
            .isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void rgb_withAnArrayOfTheFrameSize_decodesIntoIt() throws IOException {
    byte[] jpeg = Frames.jpeg(5);
    byte[] reuse = new byte[3 * Frames.SIZE * Frames.SIZE];
    assertThat(FrameDecoder.rgb(jpegFrame(jpeg), reuse)).isSameAs(reuse).isEqualTo(reference(jpeg));
    byte[] other = new byte[7];
    assertThat(FrameDecoder.rgb(jpegFrame(jpeg), other)).isNotSameAs(other);
  }

  @Test
  void rgb_jpegOfAnotherSize_isRefusedNamingBothSizes() throws IOException {
    byte[] jpeg = encode(noise(20, 20, BufferedImage.TYPE_3BYTE_BGR, 3));
    assertThatThrownBy(() -> FrameDecoder.rgb(jpegFrame(jpeg)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("decodes to 20x20, expected " + Frames.SIZE + "x" + Frames.SIZE);
  }

  @Test
  void rgb_truncatedJpeg_isRefusedNamingTheFrame() {
    byte[] jpeg = Frames.jpeg(3);
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 3);
    assertThatThrownBy(() -> FrameDecoder.rgb(jpegFrame(truncated)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("frame 7");
  }
}
