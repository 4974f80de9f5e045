package io.openmede.ingest.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.ingest.source.DecodedFrame;
import io.openmede.ingest.source.TestVideos;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class JpegEncoderTest {

  @Test
  void encode_realFrame_decodesBackCloseToTheOriginal_andQualityTradesSize() throws Exception {
    DecodedFrame frame = TestVideos.decodeAll(TestVideos.path(TestVideos.TEST_AVI)).get(50);
    byte[] high;
    byte[] low;
    try (JpegEncoder q95 = new JpegEncoder(95);
        JpegEncoder q30 = new JpegEncoder(30)) {
      high = q95.encode(frame.rgb(), frame.width(), frame.height());
      low = q30.encode(frame.rgb(), frame.width(), frame.height());
    }
    assertThat(low.length).isLessThan(high.length);
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(high));
    assertThat(back.getWidth()).isEqualTo(320);
    assertThat(back.getHeight()).isEqualTo(240);
    long sum = 0;
    for (int y = 0; y < 240; y++) {
      for (int x = 0; x < 320; x++) {
        int a = back.getRGB(x, y);
        int b = frame.rgbAt(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          sum += Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff));
        }
      }
    }
    // Channel order swapped (RGB vs BGR) would put this near 40.
    assertThat((double) sum / (320 * 240 * 3)).isLessThan(3.0);
  }

  @Test
  void constructor_qualityOutOfRange_isRejected() {
    assertThatThrownBy(() -> new JpegEncoder(0)).hasMessageContaining("JPEG quality 0");
  }
}
