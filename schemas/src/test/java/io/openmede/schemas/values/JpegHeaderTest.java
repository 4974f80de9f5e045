package io.openmede.schemas.values;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class JpegHeaderTest {

  static byte[] jpeg(int w, int h, boolean progressive) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 7) << 16 | (y * 5) << 8 | (x + y));
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam p = writer.getDefaultWriteParam();
    if (progressive) {
      p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(s);
      writer.write(null, new IIOImage(img, null, null), p);
    }
    writer.dispose();
    return out.toByteArray();
  }

  static int sof(byte[] jpeg) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      int m = jpeg[i + 1] & 0xff;
      if ((jpeg[i] & 0xff) == 0xff && (m == 0xc0 || m == 0xc2)) {
        return i;
      }
    }
    throw new AssertionError("no SOF");
  }

  @Test
  void read_baseline_sizeAndNoScansCounted() throws IOException {
    JpegHeader h = JpegHeader.read(jpeg(40, 24, false)).header().orElseThrow();
    assertThat(h).isEqualTo(new JpegHeader(40, 24, false, 0));
    assertThat(h.refusal(FrameLimits.DEFAULT, 40, 24)).isEmpty();
  }

  @Test
  void read_progressive_countsItsScans() throws IOException {
    JpegHeader h = JpegHeader.read(jpeg(40, 24, true)).header().orElseThrow();
    assertThat(h.progressive()).isTrue();
    assertThat(h.scans()).isBetween(2, 20);
    assertThat(h.refusal(FrameLimits.DEFAULT, 40, 24)).isEmpty();
  }

  @Test
  void refusal_headerDeclaringHugeImage_refusedByTheLimitsBeforeDecoding() throws IOException {
    byte[] j = jpeg(16, 16, false);
    int at = sof(j);
    // SOF: FF C0, length (2), precision (1), height (2), width (2)
    j[at + 5] = (byte) 0xff;
    j[at + 6] = (byte) 0xff;
    j[at + 7] = (byte) 0xff;
    j[at + 8] = (byte) 0xff;
    JpegHeader h = JpegHeader.read(j).header().orElseThrow();
    assertThat(h.width()).isEqualTo(65535);
    assertThat(h.refusal(FrameLimits.DEFAULT, 65535, 65535))
        .hasValueSatisfying(r -> assertThat(r).contains("over 8192").contains("frames.max-side"));
    assertThat(h.refusal(FrameLimits.DEFAULT, 16, 16))
        .hasValue("JPEG is 65535x65535 but the record says 16x16");
  }

  @Test
  void refusal_progressiveWithThousandsOfScans_refused() throws IOException {
    byte[] j = jpeg(16, 16, true);
    // repeat the last scan (its SOS segment and entropy-coded data) 2000 times before EOI
    int lastSos = -1;
    for (int i = 2; i + 1 < j.length; i++) {
      if ((j[i] & 0xff) == 0xff && (j[i + 1] & 0xff) == 0xda) {
        lastSos = i;
      }
    }
    byte[] scan = Arrays.copyOfRange(j, lastSos, j.length - 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(j, 0, j.length - 2);
    for (int k = 0; k < 2000; k++) {
      out.write(scan);
    }
    out.write(new byte[] {(byte) 0xff, (byte) 0xd9});
    JpegHeader h = JpegHeader.read(out.toByteArray()).header().orElseThrow();
    assertThat(h.scans()).isEqualTo(FrameLimits.MAX_JPEG_SCANS + 1);
    assertThat(h.refusal(FrameLimits.DEFAULT, 16, 16))
        .hasValueSatisfying(r -> assertThat(r).startsWith("progressive JPEG with over 64 scans"));
  }

  @Test
  void read_notAJpegOrCut_refusedWithTheReason() throws IOException {
    assertThat(JpegHeader.read(new byte[] {1, 2, 3, 4, 5}).refusal())
        .hasValue("not a JPEG (no start-of-image marker), 5 bytes");
    byte[] j = jpeg(16, 16, false);
    assertThat(JpegHeader.read(Arrays.copyOf(j, sof(j))).refusal())
        .hasValueSatisfying(r -> assertThat(r).startsWith("undecodable JPEG"));
  }

  @Test
  void sizeRefusal_sidesAndPixels() {
    FrameLimits l = new FrameLimits(100, 2000);
    assertThat(l.sizeRefusal(100, 20)).isEmpty();
    assertThat(l.sizeRefusal(0, 20)).hasValue("frame size 0x20 is not positive");
    assertThat(l.sizeRefusal(1, 101)).hasValueSatisfying(r -> assertThat(r).contains("over 100"));
    assertThat(l.sizeRefusal(50, 41))
        .hasValue("frame size 50x41 is 2050 pixels, over 2000 (frames.max-pixels)");
  }
}
