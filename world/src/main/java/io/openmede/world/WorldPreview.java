package io.openmede.world;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Pictures of the world for humans: contact sheets of clips and of captioned stills, written as
 * PNG. For checking that actions look right and for debugging; nothing in the data path uses it.
 */
final class WorldPreview {
  private static final int LABEL_WIDTH = 300;

  private WorldPreview() {}

  /** An image of {@code width*height*3} interleaved RGB bytes. */
  public static BufferedImage toImage(byte[] rgb, int width, int height) {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "image has " + rgb.length + " bytes, expected width*height*3 = " + width * height * 3);
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int o = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = rgb[o++] & 0xFF;
        int g = rgb[o++] & 0xFF;
        int b = rgb[o++] & 0xFF;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  /**
   * Writes a PNG with one row per clip (its frames left to right, enlarged {@code scale} times) and
   * the clip's label, scene and split beside it.
   */
  public static void writeContactSheet(List<Clip> clips, int scale, Path png) throws IOException {
    if (clips.isEmpty()) {
      throw new IllegalArgumentException("a contact sheet needs at least one clip, got none");
    }
    int cell = clips.get(0).width() * scale + 2;
    int rowHeight = clips.get(0).height() * scale + 2;
    int columns = 0;
    for (Clip clip : clips) {
      columns = Math.max(columns, clip.frameCount());
    }
    BufferedImage sheet =
        new BufferedImage(
            LABEL_WIDTH + columns * cell, clips.size() * rowHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(Color.DARK_GRAY);
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int row = 0; row < clips.size(); row++) {
        Clip clip = clips.get(row);
        int top = row * rowHeight;
        g.setColor(Color.WHITE);
        g.drawString(clip.label() + (clip.hasActor() ? "" : " (no actor)"), 4, top + 14);
        g.drawString(
            clip.scene().description() + (clip.isHomeScene() ? " (home)" : ""), 4, top + 28);
        g.drawString(clip.split().tag(), 4, top + 42);
        for (int i = 0; i < clip.frameCount(); i++) {
          BufferedImage frame = toImage(clip.frames().get(i), clip.width(), clip.height());
          g.drawImage(
              frame,
              LABEL_WIDTH + i * cell,
              top + 1,
              clip.width() * scale,
              clip.height() * scale,
              null);
        }
      }
    } finally {
      g.dispose();
    }
    write(sheet, png);
  }

  /** Writes a PNG grid of stills ({@code columns} wide), each with its caption below it. */
  public static void writeStillSheet(List<CaptionedStill> stills, int columns, int scale, Path png)
      throws IOException {
    if (stills.isEmpty() || columns < 1) {
      throw new IllegalArgumentException(
          "a still sheet needs stills and at least one column, got "
              + stills.size()
              + " stills and "
              + columns
              + " columns");
    }
    int w = Math.max(stills.get(0).width() * scale, 220);
    int h = stills.get(0).height() * scale + 44;
    int rows = (stills.size() + columns - 1) / columns;
    BufferedImage sheet =
        new BufferedImage(columns * (w + 4), rows * h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(Color.DARK_GRAY);
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      for (int i = 0; i < stills.size(); i++) {
        CaptionedStill still = stills.get(i);
        int left = (i % columns) * (w + 4);
        int top = (i / columns) * h;
        g.drawImage(
            toImage(still.rgb(), still.width(), still.height()),
            left,
            top,
            still.width() * scale,
            still.height() * scale,
            null);
        g.setColor(Color.WHITE);
        String caption = still.caption().replace("a photo of ", "");
        int cut = caption.indexOf(" on a");
        int textTop = top + still.height() * scale + 12;
        g.drawString(cut < 0 ? caption : caption.substring(0, cut), left, textTop);
        if (cut >= 0) {
          g.drawString(caption.substring(cut + 1), left, textTop + 13);
        }
      }
    } finally {
      g.dispose();
    }
    write(sheet, png);
  }

  private static void write(BufferedImage image, Path png) throws IOException {
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(image, "png", png.toFile())) {
      throw new IOException("no PNG writer available to write " + png);
    }
  }
}
