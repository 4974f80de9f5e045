package io.openmede.ingest.frame;

/**
 * The size frames are scaled to: either a fixed width and height, or a short side with the aspect
 * ratio kept. Sizes are in pixels. Immutable and thread-safe.
 */
public sealed interface FrameSize {

  /** A fixed output size; the aspect ratio is not kept. */
  static FrameSize fixed(int width, int height) {
    return new Fixed(width, height);
  }

  /** Scales so that the shorter side has {@code pixels} pixels, keeping the aspect ratio. */
  static FrameSize shortSide(int pixels) {
    return new ShortSide(pixels);
  }

  /**
   * Parses {@code 224x224} (fixed) or {@code 256} (short side).
   *
   * @throws IllegalArgumentException naming the bad value and the accepted forms
   */
  static FrameSize parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    try {
      int x = t.indexOf('x');
      if (x < 0) {
        return shortSide(Integer.parseInt(t));
      }
      return fixed(Integer.parseInt(t.substring(0, x)), Integer.parseInt(t.substring(x + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "frame size '" + text + "' is neither WIDTHxHEIGHT (224x224) nor a short side (256)", e);
    }
  }

  /** Output width for a source of the given size. */
  int widthFor(int sourceWidth, int sourceHeight);

  /** Output height for a source of the given size. */
  int heightFor(int sourceWidth, int sourceHeight);

  /** A fixed size. */
  record Fixed(int width, int height) implements FrameSize {
    public Fixed {
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException(
            "frame size " + width + "x" + height + " must be at least 1x1 pixels");
      }
    }

    @Override
    public int widthFor(int sourceWidth, int sourceHeight) {
      return width;
    }

    @Override
    public int heightFor(int sourceWidth, int sourceHeight) {
      return height;
    }

    @Override
    public String toString() {
      return width + "x" + height;
    }
  }

  /** A short side in pixels; the long side is rounded to the nearest even pixel count. */
  record ShortSide(int pixels) implements FrameSize {
    public ShortSide {
      if (pixels < 2) {
        throw new IllegalArgumentException("short side " + pixels + " must be at least 2 pixels");
      }
    }

    @Override
    public int widthFor(int sourceWidth, int sourceHeight) {
      return sourceWidth <= sourceHeight ? pixels : longSide(sourceWidth, sourceHeight);
    }

    @Override
    public int heightFor(int sourceWidth, int sourceHeight) {
      return sourceHeight < sourceWidth ? pixels : longSide(sourceHeight, sourceWidth);
    }

    private int longSide(int longer, int shorter) {
      long scaled = Math.round((double) longer * pixels / shorter / 2.0) * 2L;
      return (int) Math.max(2, scaled);
    }

    @Override
    public String toString() {
      return Integer.toString(pixels);
    }
  }
}
