package io.openmede.bench.generalization;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the whole command at its --tiny-test size (about 30 s on an idle 2-core machine). */
class BenchGeneralizationCommandIT {

  @Test
  void tinyTestSize_printsTablesAndResultLines_andWritesCsvAndPng(@TempDir Path dir)
      throws Exception {
    Path weights = dir.resolve("random-tiny.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 3, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    Path out = dir.resolve("out");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      rc =
          new CommandLine(new BenchGeneralizationCommand(ps))
              .execute("--tiny-test", "--weights", weights.toString(), "--out", out.toString());
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(text).isZero();
    assertThat(text).contains("Table 3-like", "Table 5-like", "hyper-parameters:", "delta = ");
    Pattern result = Pattern.compile("^RESULT method=(\\S+)(( \\w+=[0-9.]+)+)$", Pattern.MULTILINE);
    Matcher m = result.matcher(text);
    List<String> methods = new java.util.ArrayList<>();
    while (m.find()) {
      methods.add(m.group(1));
      for (String kv : m.group(2).trim().split(" ")) {
        String[] p = kv.split("=");
        if (!p[0].equals("seeds")) {
          assertThat(Double.parseDouble(p[1])).as(kv).isBetween(0.0, 1.0);
        }
      }
      assertThat(m.group(2))
          .contains("base_top1=", "novel_top1=", "hm=", "ooc_top1=", "scene_only_confident=");
    }
    assertThat(methods).containsExactlyElementsOf(GeneralizationBenchmark.METHODS);
    assertThat(text.trim()).endsWith(text.substring(text.lastIndexOf("RESULT")).trim());

    List<String> csv = Files.readAllLines(out.resolve(BenchmarkReport.CSV));
    assertThat(csv.get(0)).isEqualTo("method,metric,mean,std,per_seed");
    assertThat(csv).hasSize(1 + GeneralizationBenchmark.METHODS.size() * Scores.NAMES.length);
    for (String row : csv.subList(1, csv.size())) {
      double mean = Double.parseDouble(row.split(",")[2]);
      assertThat(mean).as(row).isBetween(0.0, 1.0);
    }
    BufferedImage png = ImageIO.read(out.resolve(BenchmarkReport.PNG).toFile());
    assertThat(png.getWidth()).isGreaterThan(500);
  }
}
