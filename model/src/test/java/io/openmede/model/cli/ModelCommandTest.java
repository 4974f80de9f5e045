package io.openmede.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.weights.Safetensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCommandTest {

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ModelCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String fixture(String name) {
    try {
      return Path.of(ModelCommandTest.class.getResource("/clip-tiny/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void verify_fixtureSafetensors_passesWithinDefaultTolerance() {
    Run r =
        run(
            "verify",
            "--weights",
            fixture("weights.safetensors"),
            "--reference",
            fixture("io.safetensors"));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("image_features", "text_features", "logits_per_image", "PASS");
  }

  @Test
  void verify_fixtureTorchScript_passesWithinDefaultTolerance() {
    Run r =
        run(
            "verify",
            "--weights",
            fixture("model.traced.pt"),
            "--reference",
            fixture("io.safetensors"));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("PASS");
  }

  @Test
  void verify_referenceWithoutTextTokens_exitsTwoNamingTheTensor(@TempDir Path dir)
      throws Exception {
    Path bad = dir.resolve("io-bad.safetensors");
    Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
    try (Safetensors.Reader r = Safetensors.open(Path.of(fixture("io.safetensors")))) {
      for (var e : r.entries().entrySet()) {
        if (!e.getKey().equals("text_tokens")) {
          tensors.put(
              e.getKey(), new Safetensors.Tensor(e.getValue().shape(), r.floats(e.getKey())));
        }
      }
    }
    Safetensors.write(bad, tensors, Map.of());
    Run r =
        run("verify", "--weights", fixture("weights.safetensors"), "--reference", bad.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("text_tokens");
  }

  @Test
  void verify_tinyTolerance_exitsOneAndSaysFail() {
    Run r =
        run(
            "verify",
            "--weights",
            fixture("weights.safetensors"),
            "--reference",
            fixture("io.safetensors"),
            "--tolerance",
            "1e-12");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL");
  }

  @Test
  void verify_missingWeights_exitsTwoWithMessage(@TempDir Path dir) {
    Run r =
        run(
            "verify",
            "--weights",
            dir.resolve("nope.safetensors").toString(),
            "--reference",
            fixture("io.safetensors"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("does not exist");
  }

  @Test
  void info_fixture_printsArchitectureAndParameterCount() throws Exception {
    Run r = run("info", "--weights", fixture("weights.safetensors"));
    assertThat(r.exit()).as(r.err()).isZero();
    long count;
    try (ClipModel m = ClipModel.load(Path.of(fixture("weights.safetensors")), ComputeDevice.CPU)) {
      count = m.parameterCount();
    }
    assertThat(r.out())
        .contains(
            "embed_dim: 32",
            "image_resolution: 32",
            "vision_layers: 2",
            "vision_width: 128",
            "vision_heads: 2",
            "vision_patch_size: 8",
            "transformer_width: 64",
            "transformer_heads: 4",
            "transformer_layers: 2",
            "parameters: " + count);
  }
}
