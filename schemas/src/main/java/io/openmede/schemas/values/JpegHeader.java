package io.openmede.schemas.values;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * What a JPEG says about itself before it is decoded: the size in its frame header (SOF) and, for a
 * progressive JPEG, how many scans it has. Read from the markers alone, without an image reader
 * (which would allocate the image, and with {@code ImageIO.read} cache the bytes in a temporary
 * file), so that a service can refuse a frame whose header declares a huge image, or a progressive
 * JPEG of thousands of scans (each walks every block: hours of CPU from one small record), before
 * any decoding.
 *
 * @param width the width in the frame header
 * @param height the height in the frame header
 * @param progressive whether it is a progressive JPEG
 * @param scans the scans of a progressive JPEG (counted up to one past the limit); 0 when baseline
 *     (not counted: a sequential decoder reads one scan per component)
 */
public record JpegHeader(int width, int height, boolean progressive, int scans) {

  /** A JPEG header read, or why the bytes are refused. */
  public record Read(Optional<JpegHeader> header, Optional<String> refusal) {
    static Read of(JpegHeader h) {
      return new Read(Optional.of(h), Optional.empty());
    }

    static Read refused(String why) {
      return new Read(Optional.empty(), Optional.of(why));
    }
  }

  /** {@link #read(ByteBuffer)} of an array. */
  public static Read read(byte[] data) {
    return read(ByteBuffer.wrap(data));
  }

  /**
   * Reads the markers of the JPEG in {@code buffer} (from its position; the buffer is not moved).
   */
  public static Read read(ByteBuffer buffer) {
    ByteBuffer data = buffer.slice(); // absolute reads from 0, no copy
    int size = data.remaining();
    if (size < 4 || (data.get(0) & 0xff) != 0xff || (data.get(1) & 0xff) != 0xd8) {
      return Read.refused("not a JPEG (no start-of-image marker), " + size + " bytes");
    }
    int i = 2;
    while (true) {
      if (i >= size || (data.get(i) & 0xff) != 0xff) {
        return Read.refused(
            "undecodable JPEG: no marker at byte " + i + " of " + size + " (no frame header)");
      }
      while (i < size && (data.get(i) & 0xff) == 0xff) {
        i++; // fill bytes
      }
      if (i >= size) {
        return Read.refused("undecodable JPEG: truncated before its frame header");
      }
      int marker = data.get(i++) & 0xff;
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        continue; // markers without a segment
      }
      if (marker == 0xd9 || marker == 0xda) {
        return Read.refused("undecodable JPEG: no frame header before the image data");
      }
      if (i + 2 > size) {
        return Read.refused("undecodable JPEG: truncated before its frame header");
      }
      int length = u16(data, i);
      if (length < 2 || i + length > size) {
        return Read.refused(
            "undecodable JPEG: a segment of "
                + length
                + " bytes at byte "
                + i
                + " runs past the end ("
                + size
                + " bytes)");
      }
      boolean frameHeader =
          marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (frameHeader) {
        if (length < 7) {
          return Read.refused("undecodable JPEG: frame header of " + length + " bytes");
        }
        int h = u16(data, i + 3);
        int w = u16(data, i + 5);
        boolean progressive = marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce;
        int scans = progressive ? countScans(data, i + length, FrameLimits.MAX_JPEG_SCANS + 1) : 0;
        return Read.of(new JpegHeader(w, h, progressive, scans));
      }
      i += length;
    }
  }

  /**
   * Why this header is refused under {@code limits} (its size, its scans), or empty; {@code
   * expectedWidth} and {@code expectedHeight} are the size the record states.
   */
  public Optional<String> refusal(FrameLimits limits, int expectedWidth, int expectedHeight) {
    if (width != expectedWidth || height != expectedHeight) {
      return Optional.of(
          "JPEG is "
              + width
              + "x"
              + height
              + " but the record says "
              + expectedWidth
              + "x"
              + expectedHeight);
    }
    Optional<String> size = limits.sizeRefusal(width, height);
    if (size.isPresent()) {
      return size;
    }
    if (scans > FrameLimits.MAX_JPEG_SCANS) {
      return Optional.of(
          "progressive JPEG with over "
              + FrameLimits.MAX_JPEG_SCANS
              + " scans (each scan is a pass over the whole image)");
    }
    return Optional.empty();
  }

  /**
   * Start-of-scan markers from {@code from} on, skipping entropy-coded data; stops at {@code cap}.
   */
  private static int countScans(ByteBuffer data, int from, int cap) {
    int size = data.remaining();
    int scans = 0;
    int i = from;
    while (i + 1 < size && scans < cap) {
      if ((data.get(i) & 0xff) != 0xff) {
        i++;
        continue;
      }
      int marker = data.get(i + 1) & 0xff;
      if (marker == 0x00 || marker == 0xff || (marker >= 0xd0 && marker <= 0xd7)) {
        i += marker == 0xff ? 1 : 2; // stuffed byte, fill, restart marker: still scan data
        continue;
      }
      if (marker == 0xd9) {
        break; // end of image
      }
      if (marker == 0xda) {
        scans++;
      }
      if (i + 4 > size) {
        break;
      }
      i += 2 + u16(data, i + 2); // skip the segment; a scan's entropy-coded data follows it
    }
    return scans;
  }

  private static int u16(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
  }
}
