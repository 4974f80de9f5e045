package io.openmede.recognizer.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.recognizer.testing.Frames;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameBatchCheckTest {

  @Test
  void jpegProblem_sizeAsStated_none() {
    assertThat(FrameBatchCheck.jpegProblem(Frames.jpeg(1), Frames.SIZE, Frames.SIZE)).isEmpty();
  }

  @Test
  void jpegProblem_otherSize_namesBothSizes() {
    assertThat(FrameBatchCheck.jpegProblem(Frames.jpeg(1), 64, Frames.SIZE))
        .hasValue("JPEG is 32x32 but the record says 64x32");
  }

  @Test
  void jpegProblem_cutBeforeTheFrameHeader_isUndecodable() {
    byte[] jpeg = Frames.jpeg(1);
    int sof = 2;
    while (!((jpeg[sof] & 0xff) == 0xff && (jpeg[sof + 1] & 0xff) == 0xc0)) {
      sof++;
    }
    assertThat(FrameBatchCheck.jpegProblem(Arrays.copyOf(jpeg, sof), Frames.SIZE, Frames.SIZE))
        .hasValueSatisfying(p -> assertThat(p).startsWith("undecodable JPEG"));
  }

  @Test
  void jpegProblem_noStartOfImage_isNotAJpeg() {
    assertThat(FrameBatchCheck.jpegProblem(new byte[] {1, 2, 3, 4, 5}, 32, 32))
        .hasValue("not a JPEG (no start-of-image marker), 5 bytes");
  }
}
