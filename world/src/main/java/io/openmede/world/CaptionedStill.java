package io.openmede.world;

import java.util.Objects;

/**
 * One still image with its caption: an item of the world's image–text corpus.
 *
 * @param spec the clip the still depicts
 * @param caption the caption, for example {@code "a photo of a red disc moving left on a blue
 *     striped background"}
 * @param rgb {@code width*height*3} bytes of interleaved 8-bit RGB, row-major (not copied: do not
 *     modify)
 * @param width in pixels
 * @param height in pixels
 */
public record CaptionedStill(ClipSpec spec, String caption, byte[] rgb, int width, int height) {

  /** Checks the image size. */
  public CaptionedStill {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(caption, "caption");
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "still has " + rgb.length + " bytes, expected width*height*3 = " + width * height * 3);
    }
  }

  /** The action the still depicts. */
  public Action action() {
    return spec.action();
  }
}
