package io.openmede.bench.model;

import static org.assertj.core.api.Assertions.assertThat;

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
                "--skip-vitb16", "--frames", "2", "--tiny-batch", "1", "--tiny-iterations", "1");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
    assertThat(exit).isZero();
    assertThat(lines[lines.length - 1])
        .matches(
            "RESULT tiny_infer_clips_per_s=[0-9.]+ tiny_train_samples_per_s=[0-9.]+"
                + " vitb16_infer_clips_per_s=n/a vitb16_train_samples_per_s=n/a"
                + " peak_gflops=[0-9.]+ vitb16_gflops=n/a vitb16_peak_fraction=n/a");
  }

  @Test
  void benchModel_zeroFrames_exitsTwo() {
    assertThat(new CommandLine(new BenchModelCommand()).execute("--frames", "0")).isEqualTo(2);
  }
}
