package io.openmede.schemas.values;

import java.util.Optional;

/**
 * How large a frame a service accepts from a topic, checked on the sizes a record states before
 * anything is allocated for its pixels: a frame batch or labeled clip may say any width and height
 * (a JPEG header up to 65535 x 65535), and decoding allocates {@code width * height * 3} bytes.
 *
 * @param maxSide the longest side in pixels
 * @param maxPixels the most pixels ({@code width * height}) of one frame
 */
public record FrameLimits(int maxSide, long maxPixels) {

  /** 8192 pixels a side, 16,777,216 pixels (4096 x 4096) a frame. */
  public static final FrameLimits DEFAULT = new FrameLimits(8192, 16_777_216L);

  /** The most scans a progressive JPEG may have (each scan walks every block of the image). */
  public static final int MAX_JPEG_SCANS = 64;

  /** The setting names in the messages (declared in {@link InputBounds}). */
  static final String MAX_SIDE_SETTING = "frames.max-side";

  static final String MAX_PIXELS_SETTING = "frames.max-pixels";

  public FrameLimits {
    if (maxSide < 1 || maxSide > 65_535) {
      throw new IllegalArgumentException(
          MAX_SIDE_SETTING + " " + maxSide + " must be between 1 and 65535");
    }
    if (maxPixels < 1 || maxPixels > (Integer.MAX_VALUE - 8) / 4) {
      // decoded frames are int-indexed arrays of 3 or 4 bytes a pixel
      throw new IllegalArgumentException(
          MAX_PIXELS_SETTING
              + " "
              + maxPixels
              + " must be between 1 and "
              + (Integer.MAX_VALUE - 8) / 4);
    }
  }

  /** Why a frame of {@code width x height} is refused, or empty when it is within the limits. */
  public Optional<String> sizeRefusal(int width, int height) {
    if (width < 1 || height < 1) {
      return Optional.of("frame size " + width + "x" + height + " is not positive");
    }
    if (width > maxSide || height > maxSide) {
      return Optional.of(
          "frame size "
              + width
              + "x"
              + height
              + " has a side over "
              + maxSide
              + " pixels ("
              + MAX_SIDE_SETTING
              + ")");
    }
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      return Optional.of(
          "frame size "
              + width
              + "x"
              + height
              + " is "
              + pixels
              + " pixels, over "
              + maxPixels
              + " ("
              + MAX_PIXELS_SETTING
              + ")");
    }
    return Optional.empty();
  }
}
