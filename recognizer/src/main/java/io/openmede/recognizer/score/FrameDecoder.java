package io.openmede.recognizer.score;

import io.openmede.recognizer.window.WindowFrame;
import io.openmede.schemas.avro.FrameEncoding;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * Frame bytes to interleaved 8-bit RGB. Thread-safe: each thread keeps its own JPEG reader, input
 * stream and decoding buffer (decoding is the stream thread's main work, and fresh ones for every
 * frame were about a third of the recognizer's allocation).
 */
final class FrameDecoder {

  /** The calling thread's reader and buffers. */
  private static final ThreadLocal<Decoder> DECODERS = ThreadLocal.withInitial(Decoder::new);

  private FrameDecoder() {}

  /**
   * Decodes a frame.
   *
   * @return {@code width * height * 3} interleaved RGB bytes, row-major (a new array)
   * @throws IOException when a JPEG does not decode or the size does not match
   */
  public static byte[] rgb(WindowFrame frame) throws IOException {
    return rgb(frame, null);
  }

  /**
   * Decodes a frame into {@code reuse} when it has the frame's size ({@code width * height * 3}
   * bytes), else into a new array; RGB frames are returned as they are.
   *
   * @return the interleaved RGB bytes, row-major
   * @throws IOException when a JPEG does not decode or the size does not match
   */
  public static byte[] rgb(WindowFrame frame, byte[] reuse) throws IOException {
    long bytes = 3L * frame.width() * frame.height();
    if (frame.width() < 1 || frame.height() < 1 || bytes > Integer.MAX_VALUE - 8) {
      // the frames topic's batches are checked against frames.max-pixels before they are windowed
      throw new IOException(
          "frame " + frame.sequence() + " of " + frame.width() + "x" + frame.height() + " pixels");
    }
    int size = (int) bytes;
    if (frame.encoding() == FrameEncoding.RGB) {
      if (frame.data().length != size) {
        throw new IOException(
            "frame "
                + frame.sequence()
                + " has "
                + frame.data().length
                + " RGB bytes, expected "
                + size);
      }
      return frame.data();
    }
    BufferedImage image = DECODERS.get().decode(frame);
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = reuse != null && reuse.length == size ? reuse : new byte[size];
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

  /** One thread's JPEG reader, in-memory input stream and colour destination image. */
  private static final class Decoder {
    private final ByteArrayImageInputStream in = new ByteArrayImageInputStream();
    private final ImageReadParam param;
    private ImageReader reader;
    private BufferedImage destination;

    Decoder() {
      param = new ImageReadParam();
    }

    /** Decodes in memory (ImageIO.read would cache the stream in a temporary file). */
    BufferedImage decode(WindowFrame frame) throws IOException {
      if (reader == null) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
          throw new IOException("no JPEG reader available");
        }
        reader = readers.next();
      }
      try {
        in.reset(frame.data());
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w != frame.width() || h != frame.height()) {
          throw new SizeMismatch(
              "frame "
                  + frame.sequence()
                  + " decodes to "
                  + w
                  + "x"
                  + h
                  + ", expected "
                  + frame.width()
                  + "x"
                  + frame.height());
        }
        // colour frames decode into this thread's image of their size; others (grey, CMYK) into
        // a new image of the reader's choice
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        boolean bgr =
            types.hasNext() && types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR;
        if (bgr) {
          if (destination == null || destination.getWidth() != w || destination.getHeight() != h) {
            destination = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
          }
          param.setDestination(destination);
          return reader.read(0, param);
        }
        return reader.read(0);
      } catch (SizeMismatch e) {
        throw new IOException(e.getMessage());
      } catch (IOException | RuntimeException e) {
        // a reader that failed part-way starts afresh
        reader.dispose();
        reader = null;
        throw new IOException(
            "frame " + frame.sequence() + " is not a decodable JPEG: " + e.getMessage(), e);
      } finally {
        if (reader != null) {
          reader.setInput(null);
        }
        in.reset(null);
      }
    }
  }

  /** A decoded size that is not the frame's declared one (not a decoding failure). */
  private static final class SizeMismatch extends IOException {
    private static final long serialVersionUID = 1L;

    SizeMismatch(String message) {
      super(message);
    }
  }

  /** An image input stream over a byte array, reusable for the next array. */
  private static final class ByteArrayImageInputStream extends ImageInputStreamImpl {
    private byte[] data = new byte[0];

    void reset(byte[] bytes) {
      data = bytes == null ? new byte[0] : bytes;
      streamPos = 0;
      flushedPos = 0;
      bitOffset = 0;
    }

    @Override
    public int read() {
      bitOffset = 0;
      return streamPos < data.length ? data[(int) streamPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (off < 0 || len < 0 || off + len > b.length) {
        throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", " + b.length);
      }
      bitOffset = 0;
      if (len == 0) {
        return 0;
      }
      int n = (int) Math.min(len, data.length - streamPos);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(data, (int) streamPos, b, off, n);
      streamPos += n;
      return n;
    }

    @Override
    public long length() {
      return data.length;
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
