package io.openmede.bench.openset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.openset.OpenSetScore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the whole command at its --tiny-test size (seconds), on random tiny weights. */
class BenchOpenSetCommandIT {

  @Test
  void tinyTestSize_printsATablePerModel_andOneResultLine(@TempDir Path dir) throws Exception {
    Path weights = dir.resolve("random-tiny.safetensors");
    try (ClipModel m = ClipModel.random(ClipConfig.preset("tiny"), 3, ComputeDevice.CPU)) {
      m.saveSafetensors(weights);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      rc =
          new CommandLine(new BenchOpenSetCommand(ps))
              .execute("--tiny-test", "--validation", "--weights", weights.toString());
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(text).isZero();
    assertThat(text)
        .contains(
            "frozen (mean ± sd",
            "fine-tuned (mean ± sd",
            "frozen, validation (mean ± sd",
            "fine-tuned, validation (mean ± sd",
            "false ep./h");
    for (OpenSetScore k : OpenSetScore.values()) {
      assertThat(text).containsPattern("(?m)^" + Pattern.quote(k.text()) + " +\\d");
    }
    String last = text.trim().substring(text.trim().lastIndexOf('\n') + 1);
    Matcher m =
        Pattern.compile(
                "^RESULT auroc_softmax=(\\S+) auroc_best=\\S+ fpr90_softmax=(\\S+)"
                    + " fpr90_best=(\\S+) false_episodes_per_hour_softmax=\\S+"
                    + " false_episodes_per_hour_best=\\S+ best=(max-softmax|max-cosine|energy"
                    + "|background|learned-background) frozen_fpr90_softmax=\\S+"
                    + " frozen_fpr90_best=\\S+ seeds=1 fpr90_ratio=(\\S+) chosen_on=validation"
                    + " kept_best=(\\S+) region_kept_best=(\\S+) fpr_best=\\S+ region_fpr_best=\\S+"
                    + " region_fpr90_best=\\S+ region_recall=0.95$")
            .matcher(last);
    assertThat(m.matches()).as(last).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isBetween(0.0, 1.0);
    // the known region only ever turns windows unknown: it keeps no more known windows
    assertThat(Double.parseDouble(m.group(7))).isLessThanOrEqualTo(Double.parseDouble(m.group(6)));
    // the best is chosen on the validation draws, so on the test draws it may lose; the ratio is
    // the test draws' best over max-softmax
    assertThat(Double.parseDouble(m.group(5)))
        .isCloseTo(Double.parseDouble(m.group(3)) / Double.parseDouble(m.group(2)), within(2e-3));
  }

  @Test
  void auroc_isTheChanceAPositiveOutscoresANegative() {
    assertThat(OpenSetBenchmark.auroc(new double[] {3, 2}, new double[] {1, 2}))
        .isCloseTo(0.875, within(1e-12)); // 3>1, 3>2, 2>1, 2=2 (half): 3.5 of 4
    assertThat(OpenSetBenchmark.share(new double[] {0.1, 0.5, 0.9}, 0.5)).isEqualTo(2 / 3.0);
  }
}
