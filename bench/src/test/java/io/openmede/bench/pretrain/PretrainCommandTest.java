package io.openmede.bench.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PretrainCommandTest {

  @Test
  void fewSteps_writeLoadableTinyWeightsAndAManifestWithSeedCommandAndZeroShotFigures(
      @TempDir Path dir) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      rc =
          new CommandLine(new PretrainCommand(ps))
              .execute(
                  "--seed",
                  "5",
                  "--steps",
                  "2",
                  "--warmup",
                  "1",
                  "--batch",
                  "4",
                  "--corpus",
                  "40",
                  "--eval-per-action",
                  "1",
                  "--log-every",
                  "1",
                  "--out",
                  dir.toString());
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(rc).as(text).isZero();
    assertThat(text).contains("step     1/2", "loss", "lr", "images/s", "eta", "zero-shot");
    Path weights = dir.resolve(PretrainCommand.WEIGHTS_FILE);
    try (ClipModel m = ClipModel.load(weights, ComputeDevice.CPU)) {
      assertThat(m.config()).isEqualTo(ClipConfig.preset("tiny"));
    }
    JsonNode manifest =
        new ObjectMapper().readTree(dir.resolve(PretrainCommand.MANIFEST_FILE).toFile());
    assertThat(manifest.get("seed").asLong()).isEqualTo(5);
    assertThat(manifest.get("steps").asInt()).isEqualTo(2);
    assertThat(manifest.get("corpus_size").asInt()).isEqualTo(40);
    assertThat(manifest.get("command").asText()).contains("openmede pretrain --seed 5 --steps 2");
    assertThat(manifest.get("final_loss").asDouble()).isPositive();
    assertThat(manifest.get("zero_shot_novel_in_context_video_top1").asDouble())
        .isBetween(0.0, 1.0);
    assertThat(manifest.get("zero_shot_novel_in_context_chance").asDouble())
        .isEqualTo(1.0 / 7, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void commandLine_worldV2ByDefault_namesTheWorldV3SharesOnlyWhenSet() {
    PretrainCommand v2 = new PretrainCommand();
    new CommandLine(v2).parseArgs("--seed", "1");
    PretrainCommand v3 = new PretrainCommand();
    new CommandLine(v3).parseArgs("--seed", "1", "--held-out-share", "0.3", "--bare-share", "0.1");

    assertThat(v2.commandLine()).doesNotContain("held-out").endsWith("--eval-per-action 20");
    assertThat(v3.commandLine())
        .startsWith(v2.commandLine())
        .endsWith("--held-out-share 0.3 --bare-share 0.1");
  }

  @Test
  void promptTemplates_coverEveryColourAndShapeInTheCorpusWords() {
    assertThat(WorldData.promptTemplates()).hasSize(36).contains("a photo of a red disc {}");
    assertThat(WorldData.promptTemplates()).contains("a photo of an orange ring {}");
  }

  @Test
  void sceneFreeCaption_isTheCorpusCaptionCutBeforeItsScene() {
    for (io.openmede.world.CaptionedStill still :
        new io.openmede.world.CaptionCorpus(io.openmede.world.SyntheticWorld.withDefaults())
            .stills(20, 3)) {
      String full = still.caption();
      assertThat(PretrainCommand.sceneFreeCaption(still))
          .isEqualTo(full.substring(0, full.indexOf(" on ")))
          .endsWith(still.action().label());
    }
  }

  @Test
  void probabilities_areASoftmaxOfScaledCosines() {
    io.openmede.model.ClassEmbeddings c =
        new io.openmede.model.ClassEmbeddings(
            java.util.List.of("a", "b"), new float[][] {{1, 0}, {0, 1}});
    double[][] p = WorldData.probabilities(new float[][] {{1, 0}}, c, 2.0);
    assertThat(p[0][0])
        .isCloseTo(Math.exp(2) / (Math.exp(2) + 1), org.assertj.core.api.Assertions.within(1e-12));
    assertThat(WorldData.rank(p[0], 0)).isZero();
    assertThat(WorldData.rank(p[0], 1)).isEqualTo(1);
  }
}
