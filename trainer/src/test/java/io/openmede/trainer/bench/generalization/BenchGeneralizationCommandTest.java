package io.openmede.trainer.bench.generalization;

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

class BenchGeneralizationCommandTest {

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

  @Test
  void topK_countsTiesAgainstTheLabel() {
    double[][] p = {{0.5, 0.3, 0.2}, {0.4, 0.4, 0.2}, {0.1, 0.2, 0.7}};
    int[] labels = {0, 1, 0};
    assertThat(GeneralizationBenchmark.topK(p, labels, 1)).isEqualTo(1.0 / 3);
    assertThat(GeneralizationBenchmark.topK(p, labels, 2)).isEqualTo(2.0 / 3);
    assertThat(GeneralizationBenchmark.topK(p, labels, 3)).isEqualTo(1.0);
  }

  @Test
  void methodResult_meanAndSampleStd_overSeeds() {
    MethodResult r =
        new MethodResult(
            "x", List.of(new Scores(0.2, 1, 0.6, 1, 0, 0, 0), new Scores(0.4, 1, 0.2, 1, 0, 0, 1)));
    assertThat(r.mean("base_top1")).isEqualTo(0.3, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(r.std()[0])
        .isEqualTo(Math.sqrt(0.02), org.assertj.core.api.Assertions.within(1e-12));
    // hm of (0.2, 0.6) = 0.3 and of (0.4, 0.2) = 0.2667
    assertThat(r.mean("hm"))
        .isEqualTo((0.3 + 2 * 0.4 * 0.2 / 0.6) / 2, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(r.mean("scene_only_confident")).isEqualTo(0.5);
  }
}
