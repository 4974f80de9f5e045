package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.ingest.frame.FrameSize;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDirectorySourceTest extends FrameSourceContract {
  @TempDir static Path dir;

  @BeforeAll
  static void writeImages() throws Exception {
    for (int i = 0; i < 5; i++) {
      BufferedImage image = new BufferedImage(7, 3, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 7; x++) {
          image.setRGB(x, y, (i * 40) << 16 | (x * 30) << 8 | y * 100);
        }
      }
      ImageIO.write(image, "png", dir.resolve("frame-" + i + ".png").toFile());
    }
    Files.writeString(dir.resolve("frame-9.png"), "not a png");
  }

  @Override
  protected FrameSource createSource() {
    return new ImageDirectorySource(dir, 10, SourceOptions.defaults());
  }

  @Override
  protected long expectedFrames() {
    return 5;
  }

  @Override
  protected boolean expectedLive() {
    return false;
  }

  @Test
  void next_givesExactPixels_spacedAtTheFrameRate_andListsUndecodableFiles() throws Exception {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    try (ImageDirectorySource source =
        new ImageDirectorySource(
            dir, 10, SourceOptions.defaults().withClock(Clock.fixed(start, ZoneOffset.UTC)))) {
      for (int i = 0; i < 5; i++) {
        DecodedFrame f = source.next().orElseThrow();
        assertThat(f.width()).isEqualTo(7);
        assertThat(f.rgbAt(3, 2)).isEqualTo((i * 40) << 16 | 90 << 8 | 200);
        assertThat(f.captureTime()).isEqualTo(start.plusMillis(100L * i));
        assertThat(f.position().origin()).endsWith("frame-" + i + ".png");
      }
      assertThat(source.next()).isEmpty();
      assertThat(source.failures()).singleElement().asString().contains("frame-9.png");
    }
  }

  @Test
  void size_isAppliedInJava() throws Exception {
    try (ImageDirectorySource source =
        new ImageDirectorySource(
            dir, 10, SourceOptions.defaults().withSize(FrameSize.fixed(14, 6)))) {
      DecodedFrame f = source.next().orElseThrow();
      assertThat(f.width()).isEqualTo(14);
      assertThat(f.height()).isEqualTo(6);
    }
  }
}
