package io.openmede.bench.generalization;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Tables, CSV, chart and RESULT lines of the generalization benchmark. Stateless. */
final class BenchmarkReport {

  /** CSV file name in the output directory. */
  public static final String CSV = "generalization.csv";

  /** Chart file name in the output directory. */
  public static final String PNG = "generalization.png";

  private BenchmarkReport() {}

  private static String cell(MethodResult r, int metric, boolean withStd) {
    double m = 100 * r.mean()[metric];
    double s = 100 * r.std()[metric];
    return withStd
        ? String.format(Locale.ROOT, "%5.1f ± %4.1f", m, s)
        : String.format(Locale.ROOT, "%5.1f", m);
  }

  private static int index(String metric) {
    for (int i = 0; i < Scores.NAMES.length; i++) {
      if (Scores.NAMES[i].equals(metric)) {
        return i;
      }
    }
    throw new IllegalArgumentException(metric);
  }

  /** The two tables (shaped like the paper's Tables 3 and 5), in percent, mean ± std over seeds. */
  public static String tables(List<MethodResult> results, int seeds) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Table 3-like: base-to-novel in context, top-1 (top-5) %%, mean ± std over %d seed(s)%n",
            seeds));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-15s | %-13s %-7s | %-13s %-7s | %-13s%n",
            "method",
            "base top-1",
            "top-5",
            "novel top-1",
            "top-5",
            "HM"));
    for (MethodResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-15s | %s %s | %s %s | %s%n",
              r.method(),
              cell(r, index("base_top1"), true),
              "(" + cell(r, index("base_top5"), false) + ")",
              cell(r, index("novel_top1"), true),
              "(" + cell(r, index("novel_top5"), false) + ")",
              cell(r, index("hm"), true)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%nTable 5-like: out of context, %% (SCUBA-like: novel actions on unseen scenes, higher"
                + " is better; HAT-like: scene-only clips given an action confidently, lower is"
                + " better)%n"));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-15s | %-13s %-7s | %-13s%n",
            "method",
            "SCUBA top-1",
            "top-5",
            "HAT confident"));
    for (MethodResult r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-15s | %s %s | %s%n",
              r.method(),
              cell(r, index("ooc_top1"), true),
              "(" + cell(r, index("ooc_top5"), false) + ")",
              cell(r, index("scene_only_confident"), true)));
    }
    return sb.toString();
  }

  /** One {@code RESULT ...} line per method (means, fractions in [0, 1]). */
  public static String resultLines(List<MethodResult> results) {
    StringBuilder sb = new StringBuilder();
    for (MethodResult r : results) {
      double[] m = r.mean();
      sb.append(
          String.format(
              Locale.ROOT,
              "RESULT method=%s base_top1=%.4f base_top5=%.4f novel_top1=%.4f novel_top5=%.4f"
                  + " hm=%.4f ooc_top1=%.4f ooc_top5=%.4f scene_only_confident=%.4f seeds=%d%n",
              r.method(),
              m[0],
              m[1],
              m[2],
              m[3],
              m[4],
              m[5],
              m[6],
              m[7],
              r.perSeed().size()));
    }
    return sb.toString();
  }

  /** Writes the CSV: one row per method and metric with mean, std and every seed's value. */
  public static void writeCsv(Path file, List<MethodResult> results) throws IOException {
    StringBuilder sb = new StringBuilder("method,metric,mean,std,per_seed\n");
    for (MethodResult r : results) {
      double[] m = r.mean();
      double[] s = r.std();
      for (int i = 0; i < Scores.NAMES.length; i++) {
        StringBuilder seeds = new StringBuilder();
        for (Scores sc : r.perSeed()) {
          if (seeds.length() > 0) {
            seeds.append(';');
          }
          seeds.append(String.format(Locale.ROOT, "%.4f", sc.values()[i]));
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "%s,%s,%.4f,%.4f,%s%n",
                r.method(),
                Scores.NAMES[i],
                m[i],
                s[i],
                seeds));
      }
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static final Color[] COLOURS = {
    new Color(0x9e9e9e),
    new Color(0x1f77b4),
    new Color(0x17becf),
    new Color(0xff7f0e),
    new Color(0xd62728),
    new Color(0x2ca02c)
  };

  /** Writes a grouped bar chart (groups: metrics; bars: methods; whiskers: ± std) as PNG. */
  public static void writeChart(Path file, List<MethodResult> results, String title)
      throws IOException {
    String[] metrics = {"base_top1", "novel_top1", "hm", "ooc_top1", "scene_only_confident"};
    String[] captions = {
      "base top-1", "novel top-1", "HM", "novel OOC top-1", "scene-only conf. (lower=better)"
    };
    int w = 1100;
    int h = 520;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      int left = 60;
      int right = w - 20;
      int top = 50;
      int bottom = h - 90;
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      g.drawString(title, left, 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int p = 0; p <= 100; p += 20) {
        int y = bottom - (bottom - top) * p / 100;
        g.setColor(new Color(0xdddddd));
        g.drawLine(left, y, right, y);
        g.setColor(Color.BLACK);
        g.drawString(p + "%", 20, y + 4);
      }
      g.drawLine(left, bottom, right, bottom);
      int groupWidth = (right - left) / metrics.length;
      int bar = Math.max(4, (groupWidth - 30) / Math.max(1, results.size()));
      for (int gi = 0; gi < metrics.length; gi++) {
        int mi = index(metrics[gi]);
        int x0 = left + gi * groupWidth + 15;
        for (int ri = 0; ri < results.size(); ri++) {
          double mean = results.get(ri).mean()[mi];
          double std = results.get(ri).std()[mi];
          int x = x0 + ri * bar;
          int y = bottom - (int) Math.round((bottom - top) * clamp(mean));
          g.setColor(COLOURS[ri % COLOURS.length]);
          g.fillRect(x, y, bar - 2, bottom - y);
          g.setColor(Color.BLACK);
          g.setStroke(new BasicStroke(1.2f));
          int cx = x + (bar - 2) / 2;
          int yHi = bottom - (int) Math.round((bottom - top) * clamp(mean + std));
          int yLo = bottom - (int) Math.round((bottom - top) * clamp(mean - std));
          g.drawLine(cx, yHi, cx, yLo);
        }
        g.setColor(Color.BLACK);
        g.drawString(captions[gi], x0, bottom + 18);
      }
      int lx = left;
      for (int ri = 0; ri < results.size(); ri++) {
        g.setColor(COLOURS[ri % COLOURS.length]);
        g.fillRect(lx, h - 40, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString(results.get(ri).method(), lx + 18, h - 28);
        lx += 170;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
