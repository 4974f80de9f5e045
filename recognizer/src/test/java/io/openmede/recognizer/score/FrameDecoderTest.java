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

  @Test
  void rgb_truncatedJpeg_isRefusedNamingTheFrame() {
    byte[] jpeg = Frames.jpeg(3);
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 3);
    assertThatThrownBy(() -> FrameDecoder.rgb(jpegFrame(truncated)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("frame 7");
  }
}
