package io.openmede.ingest.frame;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes packed RGB frames as baseline JPEG with ImageIO at a fixed quality. Holds one ImageIO
 * writer: not thread-safe, use one per thread, and {@link #close()} it.
 */
public final class JpegEncoder implements AutoCloseable {
  private final float quality;
  private final ImageWriter writer;
  private final ImageWriteParam param;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);

  /**
   * @param quality JPEG quality from 1 (smallest) to 100 (best)
   */
  public JpegEncoder(int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("JPEG quality " + quality + " is outside 1..100");
    }
    this.quality = quality / 100f;
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this Java runtime has no ImageIO JPEG writer");
    }
    this.writer = writers.next();
    this.param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(this.quality);
  }

  /** The JPEG bytes of a frame of {@code width x height} packed RGB pixels. */
  public byte[] encode(byte[] rgb, int width, int height) {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + width * height * 3 + " RGB bytes for " + width + "x" + height);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    buffer.reset();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(buffer)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed in memory", e);
    }
    return buffer.toByteArray();
  }

  /** The quality as given to the constructor (1..100). */
  public int quality() {
    return Math.round(quality * 100);
  }

  @Override
  public void close() {
    writer.dispose();
  }
}
