package io.openmede.recognizer.score;

import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

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
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame.data()));
    if (image == null) {
      throw new IOException("frame " + frame.sequence() + " is not a decodable JPEG");
    }
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
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = new byte[3 * w * h];
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      out[3 * i] = (byte) (p >> 16);
      out[3 * i + 1] = (byte) (p >> 8);
      out[3 * i + 2] = (byte) p;
    }
    return out;
  }
}
