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

/**
 * Runs the whole command at its --tiny-test size (two candidate rates on the validation world, 2
 * seeds; about a minute on 2 cores).
 */
class BenchGeneralizationCommandIT {

  @Test
  void tinyTestSize_printsTablesVerdictAndOneResultLine_andWritesCsvAndPng(@TempDir Path dir)
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
    assertThat(text)
        .contains(
            "Base-to-novel in context",
            "Out of context",
            "Does the meta term act?",
            "Diagnostic oracle (plain at B, every in-context and held-out scene",
            "novel unseen",
            "scenes held out of video training",
            "Learning rates (peak beta) chosen on validation world 1",
            "Open-MeDe method chosen on the validation world",
            "meta-term ratio",
            "Primary comparisons",
            "Secondary",
            "hyper-parameters:",
            "delta = 1 (Eq. 8)",
            "open-mede-paper (the paper's words): alpha = beta, delta = 0.00167");
    for (String method : GeneralizationBenchmark.METHODS) {
      assertThat(text).containsPattern("(?m)^" + Pattern.quote(method) + " +\\|");
    }
    // random weights cannot name anything: the gate must fail and no verdict may be given
    assertThat(text).contains("gate: ").contains("cannot decide at this scale");
    String last = text.trim().substring(text.trim().lastIndexOf('\n') + 1);
    Matcher m =
        Pattern.compile(
                "^RESULT seeds=2 gate=(pass|fail) oracle_hat=\\S+ plain_hat=\\S+"
                    + " openmede_hat=\\S+ oracle_scuba_novel=\\S+ plain_scuba_novel=\\S+"
                    + " openmede_scuba_novel=\\S+ meta_vs_plain2nb_hat=\\S+ ci_low=\\S+"
                    + " ci_high=\\S+ gwa_effect_hat=\\S+ meta_term_ratio=(\\S+)"
                    + " oracle_every_scene_hat=\\S+ oracle_every_scene_scuba_novel=\\S+"
                    + " frozen_hat=\\S+ frozen_scuba_novel=\\S+$")
            .matcher(last);
    assertThat(m.matches()).as(last).isTrue();
    assertThat(m.group(1)).isEqualTo("fail");
    // the acting arm's inner step moves θ' as far as an outer step: gQ changes measurably
    assertThat(Double.parseDouble(m.group(2))).isPositive();

    List<String> csv = Files.readAllLines(out.resolve(BenchmarkReport.CSV));
    assertThat(csv.get(0)).isEqualTo("method,metric,mean,std,per_seed");
    assertThat(csv).hasSize(1 + GeneralizationBenchmark.METHODS.size() * Scores.NAMES.size());
    for (String row : csv.subList(1, csv.size())) {
      double mean = Double.parseDouble(row.split(",")[2]);
      assertThat(mean).as(row).isBetween(0.0, 1.0);
      assertThat(row.split(",")[4].split(";")).hasSize(2);
    }
    com.fasterxml.jackson.databind.JsonNode json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.resolve(BenchmarkReport.JSON).toFile());
    assertThat(json.get("per_seed").get("open-mede-acting-gwa").get("novel_ooc")).hasSize(2);
    assertThat(json.get("primary")).hasSize(6);
    assertThat(json.get("tuning").get("rates").get("plain-2nb").asDouble()).isIn(5e-5, 5e-4);
    assertThat(json.get("tuning").get("scores")).hasSize(2 * (3 + 2 + 2 + 2));
    assertThat(json.get("gate").get("pass").asBoolean()).isFalse();
    assertThat(json.get("meta_term")).hasSize(4); // two Open-MeDe arms x two seeds
    BufferedImage png = ImageIO.read(out.resolve(BenchmarkReport.PNG).toFile());
    assertThat(png.getWidth()).isGreaterThan(500);
  }
}
