package io.openmede.recognizer.score;

import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.FrameEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Frame bytes to interleaved 8-bit RGB. Stateless and thread-safe. */
public final class FrameDecoder {

  private FrameDecoder() {}

  /**
   * Decodes a frame.
   *
   * @return {@code width * height * 3} interleaved RGB bytes, row-major
   * @throws IOException when a JPEG does not decode or the size does not match
   */
  public static byte[] rgb(WindowFrame frame) throws IOException {
    if (frame.encoding() == FrameEncoding.RGB) {
      if (frame.data().length != 3 * frame.width() * frame.height()) {
        throw new IOException(
            "frame "
                + frame.sequence()
                + " has "
                + frame.data().length
                + " RGB bytes, expected "
                + 3 * frame.width() * frame.height());
      }
      return frame.data();
    }
    BufferedImage image = decodeJpeg(frame);
    if (image.getWidth() != frame.width() || image.getHeight() != frame.height()) {
      throw new IOException(
          "frame "
              + frame.sequence()
              + " decodes to "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + ", expected "
              + frame.width()
              + "x"
              + frame.height());
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[3 * w * h];
    if (copyBgr(image, out)) {
      return out;
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      out[3 * i] = (byte) (p >> 16);
      out[3 * i + 1] = (byte) (p >> 8);
      out[3 * i + 2] = (byte) p;
    }
    return out;
  }

  /** Decodes in memory (ImageIO.read would cache the stream in a temporary file). */
  private static BufferedImage decodeJpeg(WindowFrame frame) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IOException("no JPEG reader available");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(frame.data()))) {
      reader.setInput(in, true, true);
      return reader.read(0);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "frame " + frame.sequence() + " is not a decodable JPEG: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * Copies a compact 8-bit BGR image (what the JPEG reader gives for colour frames) into {@code
   * out} as RGB; false when the image has another layout.
   */
  private static boolean copyBgr(BufferedImage image, byte[] out) {
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR
        || !(image.getRaster().getDataBuffer() instanceof DataBufferByte buffer)
        || !(image.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel sm)
        || image.getRaster().getSampleModelTranslateX() != 0
        || image.getRaster().getSampleModelTranslateY() != 0
        || sm.getPixelStride() != 3
        || sm.getScanlineStride() != 3 * image.getWidth()
        || buffer.getNumBanks() != 1
        || buffer.getOffset() != 0
        || buffer.getData().length < out.length) {
      return false;
    }
    int[] offsets = sm.getBandOffsets();
    if (offsets.length != 3) {
      return false;
    }
    byte[] src = buffer.getData();
    int r = offsets[0];
    int g = offsets[1];
    int b = offsets[2];
    for (int i = 0; i < out.length; i += 3) {
      out[i] = src[i + r];
      out[i + 1] = src[i + g];
      out[i + 2] = src[i + b];
    }
    return true;
  }
}
