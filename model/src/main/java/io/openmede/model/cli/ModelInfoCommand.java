package io.openmede.model.cli;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code model info --weights FILE}: prints the architecture inferred from a checkpoint's shapes
 * and its parameter count, one {@code key: value} per line.
 *
 * <p>Exit codes: 0 on success, 2 when the file cannot be read as a CLIP checkpoint.
 */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the architecture inferred from a CLIP checkpoint and its parameter count.",
      "Formats: safetensors (OpenAI or Hugging Face naming; F32, F16, BF16) and TorchScript .pt."
    })
final class ModelInfoCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--weights",
      required = true,
      paramLabel = "FILE",
      description = "The checkpoint to inspect.")
  private Path weights;

  /** For picocli. */
  public ModelInfoCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ClipConfig c;
    try {
      c = ClipModel.inspect(weights);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("model info: " + e.getMessage());
      return ModelVerifyCommand.EXIT_BAD_INPUT;
    }
    out.println("weights: " + weights);
    out.println("embed_dim: " + c.embedDim());
    out.println("image_resolution: " + c.imageResolution());
    out.println("vision_layers: " + c.visionLayers());
    out.println("vision_width: " + c.visionWidth());
    out.println("vision_heads: " + c.visionHeads());
    out.println("vision_patch_size: " + c.visionPatchSize());
    out.println("context_length: " + c.contextLength());
    out.println("vocab_size: " + c.vocabSize());
    out.println("transformer_width: " + c.transformerWidth());
    out.println("transformer_heads: " + c.transformerHeads());
    out.println("transformer_layers: " + c.transformerLayers());
    out.println("image_tower_parameters: " + c.visionParameterCount());
    out.println("text_tower_parameters: " + c.textParameterCount());
    out.println("parameters: " + c.parameterCount());
    out.flush();
    return 0;
  }
}
