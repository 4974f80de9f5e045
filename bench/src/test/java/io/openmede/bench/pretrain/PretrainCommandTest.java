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
import java.nio.file.Files;
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
    assertThat(manifest.get("libtorch_threads").asInt()).isEqualTo(1);
    assertThat(manifest.get("frame_size").asInt()).isEqualTo(32);
    assertThat(manifest.get("zero_shot_novel_in_context_video_top1").asDouble())
        .isBetween(0.0, 1.0);
    assertThat(manifest.get("zero_shot_novel_in_context_chance").asDouble())
        .isEqualTo(1.0 / 7, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void sameSeedTwice_writesTheSameWeightBytes_anotherSeedWritesOthers(@TempDir Path dir)
      throws Exception {
    byte[] first = Files.readAllBytes(pretrain(dir.resolve("a"), 7));
    byte[] second = Files.readAllBytes(pretrain(dir.resolve("b"), 7));
    byte[] otherSeed = Files.readAllBytes(pretrain(dir.resolve("c"), 8));

    assertThat(sha256(second)).isEqualTo(sha256(first));
    assertThat(second).isEqualTo(first);
    assertThat(sha256(otherSeed)).isNotEqualTo(sha256(first));
  }

  /**
   * A short world v3 pretraining run, training only (no zero-shot checks): 4 AdamW steps at a high
   * rate move both towers.
   */
  private static Path pretrain(Path out, long seed) throws Exception {
    PretrainCommand cmd = new PretrainCommand(new PrintStream(new ByteArrayOutputStream()));
    new CommandLine(cmd)
        .parseArgs(
            "--seed",
            Long.toString(seed),
            "--steps",
            "4",
            "--warmup",
            "1",
            "--batch",
            "8",
            "--corpus",
            "64",
            "--held-out-share",
            "0.3",
            "--bare-share",
            "0.1",
            "--dtype",
            "F32",
            "--out",
            out.toString());
    return cmd.train().weights();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void presetSmall_rendersTheWorldAt48Pixels_andWritesSmallWeightsUnderItsOwnName(@TempDir Path dir)
      throws Exception {
    PretrainCommand cmd = new PretrainCommand(new PrintStream(new ByteArrayOutputStream()));
    new CommandLine(cmd)
        .parseArgs(
            "--preset",
            "small",
            "--steps",
            "1",
            "--warmup",
            "1",
            "--batch",
            "2",
            "--corpus",
            "8",
            "--out",
            dir.toString());
    PretrainCommand.Trained trained = cmd.train();

    assertThat(trained.world().settings().frameSize()).isEqualTo(48);
    assertThat(trained.weights().getFileName().toString())
        .isEqualTo("small-pretrained.safetensors");
    assertThat(ClipModel.inspect(trained.weights())).isEqualTo(ClipConfig.preset("small"));
  }

  @Test
  void threads_negative_isRefusedWithTheFix() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cl = new CommandLine(new PretrainCommand());
    cl.setErr(new java.io.PrintWriter(err));
    int rc = cl.execute("--threads", "-1");
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("--threads must be >= 0", "1 for bit-for-bit");
  }

  @Test
  void commandLine_namesTheThreadsOnlyWhenNotOne() {
    PretrainCommand one = new PretrainCommand();
    new CommandLine(one).parseArgs("--seed", "1");
    PretrainCommand all = new PretrainCommand();
    new CommandLine(all).parseArgs("--seed", "1", "--threads", "0");
    assertThat(one.commandLine()).doesNotContain("--threads");
    assertThat(all.commandLine()).endsWith("--threads 0");
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
