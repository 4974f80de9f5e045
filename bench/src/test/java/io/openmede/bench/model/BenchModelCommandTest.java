package io.openmede.bench.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ComputeDevice;
import io.openmede.model.InferenceDtype;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchModelCommandTest {

  @Test
  void benchModel_tinyOnly_endsWithResultLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit =
        new CommandLine(new BenchModelCommand(out))
            .execute(
                "--skip-vitb16",
                "--frames",
                "2",
                "--tiny-batch",
                "1",
                "--tiny-iterations",
                "1",
                "--agreement-per-action",
                "1");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
    assertThat(exit).isZero();
    boolean bf16 = InferenceDtype.BF16.unsupportedOn(ComputeDevice.CPU).isEmpty();
    String bf16Keys =
        bf16
            ? " tiny_bf16_speedup=[0-9.]+ vitb16_bf16_speedup=n/a bf16_top1_agreement=[0-9.]+"
            : " tiny_bf16_speedup=n/a vitb16_bf16_speedup=n/a bf16_top1_agreement=n/a";
    assertThat(lines[lines.length - 1])
        .matches(
            "RESULT tiny_infer_clips_per_s=[0-9.]+ tiny_train_samples_per_s=[0-9.]+"
                + " vitb16_infer_clips_per_s=n/a vitb16_train_samples_per_s=n/a"
                + " peak_gflops=[0-9.]+ vitb16_gflops=n/a vitb16_peak_fraction=n/a"
                + bf16Keys);
    if (bf16) {
      // 1 clip per action in 4 sets: 13 + 7 + 13 + 7
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("of 40 = ");
    } else {
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("bfloat16 not measured: ");
    }
  }

  @Test
  void top1_picksTheHighestCosinePerClip() {
    var classes =
        new io.openmede.model.ClassEmbeddings(
            java.util.List.of("a", "b", "c"), new float[][] {{1, 0}, {0, 1}, {-1, 0}});
    int[] top = Bf16Agreement.top1(new float[][] {{0.6f, 0.8f}, {-0.9f, 0.1f}, {1, 0}}, classes);
    assertThat(top).containsExactly(1, 2, 0);
  }

  @Test
  void benchModel_zeroFrames_exitsTwo() {
    assertThat(new CommandLine(new BenchModelCommand()).execute("--frames", "0")).isEqualTo(2);
  }
}
