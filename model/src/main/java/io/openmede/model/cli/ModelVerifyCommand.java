package io.openmede.model.cli;

import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code model verify --weights FILE --reference FILE [--tolerance 1e-4]}: runs a reference file's
 * {@code images} [N,3,R,R] and {@code text_tokens} [M,L] through the model and compares {@code
 * image_features}, {@code text_features} (unnormalised) and {@code logits_per_image} [N,M]. For
 * each it prints the largest absolute difference and that difference divided by the largest
 * absolute reference value; the relative values are checked against the tolerance.
 *
 * <p>Exit codes: 0 when all three are within the tolerance, 1 when one is above, 2 on bad input
 * (missing file, not a checkpoint, reference without the expected tensors or with other shapes).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a CLIP checkpoint against reference outputs of OpenAI's CLIP code.",
      "The reference is a safetensors file with images, text_tokens, image_features,"
          + " text_features and logits_per_image.",
      "Exit 0 if every relative difference is within the tolerance, 1 if not, 2 on bad input."
    })
final class ModelVerifyCommand implements Callable<Integer> {

  static final int EXIT_MISMATCH = 1;
  static final int EXIT_BAD_INPUT = 2;

  @Spec private CommandSpec spec;

  @Option(
      names = "--weights",
      required = true,
      paramLabel = "FILE",
      description = "The checkpoint: safetensors (OpenAI or HF naming) or TorchScript .pt.")
  private Path weights;

  @Option(
      names = "--reference",
      required = true,
      paramLabel = "FILE",
      description = "Safetensors file with the inputs and OpenAI's outputs.")
  private Path reference;

  @Option(
      names = "--tolerance",
      defaultValue = "1e-4",
      paramLabel = "REL",
      description = "Largest accepted |difference| / max |reference| (default: ${DEFAULT-VALUE}).")
  private double tolerance;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      paramLabel = "DEVICE",
      description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
  private String device;

  /** For picocli. */
  public ModelVerifyCommand() {}

  private record Tensor2(float[][] rows, long[] shape) {}

  private static Tensor2 matrix(Safetensors.Reader r, String name) throws IOException {
    Safetensors.Entry e = r.entries().get(name);
    if (e == null) {
      throw new IllegalArgumentException("reference has no tensor '" + name + "'");
    }
    if (e.shape().length != 2) {
      throw new IllegalArgumentException(
          "reference tensor '" + name + "' should have 2 dimensions, has " + e.shape().length);
    }
    int n = (int) e.shape()[0];
    int m = (int) e.shape()[1];
    float[] flat = r.floats(name);
    float[][] rows = new float[n][m];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * m, rows[i], 0, m);
    }
    return new Tensor2(rows, e.shape());
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!(tolerance >= 0)) {
      err.println("model verify: --tolerance must be >= 0, got " + tolerance);
      return EXIT_BAD_INPUT;
    }
    float[] images;
    int imageCount;
    int[][] tokens;
    Tensor2 refImage;
    Tensor2 refText;
    Tensor2 refLogits;
    try (Safetensors.Reader r = Safetensors.open(reference)) {
      Safetensors.Entry img = r.entries().get("images");
      Safetensors.Entry tok = r.entries().get("text_tokens");
      if (img == null || tok == null) {
        throw new IllegalArgumentException("reference needs tensors 'images' and 'text_tokens'");
      }
      if (img.shape().length != 4 || tok.shape().length != 2) {
        throw new IllegalArgumentException(
            "reference 'images' must be [N,3,R,R] and 'text_tokens' [M,L]");
      }
      images = r.floats("images");
      imageCount = (int) img.shape()[0];
      long[] flatTokens = r.longs("text_tokens");
      int rows = (int) tok.shape()[0];
      int len = (int) tok.shape()[1];
      tokens = new int[rows][len];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < len; j++) {
          tokens[i][j] = Math.toIntExact(flatTokens[i * len + j]);
        }
      }
      refImage = matrix(r, "image_features");
      refText = matrix(r, "text_features");
      refLogits = matrix(r, "logits_per_image");
    } catch (IOException | RuntimeException e) {
      err.println("model verify: cannot read reference " + reference + ": " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    double[] rel = new double[3];
    try (ClipModel model = ClipModel.load(weights, ComputeDevice.parse(device))) {
      float[][] img = model.encodeImages(images, imageCount);
      float[][] txt = model.encodeText(tokens);
      float[][] logits = logits(img, txt, model.logitScale());
      out.println("weights: " + weights + " " + model.config());
      rel[0] = report(out, "image_features", img, refImage);
      rel[1] = report(out, "text_features", txt, refText);
      rel[2] = report(out, "logits_per_image", logits, refLogits);
    } catch (IOException | RuntimeException e) {
      err.println("model verify: " + e.getMessage());
      return EXIT_BAD_INPUT;
    }
    boolean ok = rel[0] <= tolerance && rel[1] <= tolerance && rel[2] <= tolerance;
    out.printf(Locale.ROOT, "%s (tolerance %.1e relative)%n", ok ? "PASS" : "FAIL", tolerance);
    out.flush();
    return ok ? 0 : EXIT_MISMATCH;
  }

  /** OpenAI's logits_per_image: scale times cosine similarity. */
  static float[][] logits(float[][] image, float[][] text, double scale) {
    float[][] out = new float[image.length][text.length];
    for (int i = 0; i < image.length; i++) {
      for (int j = 0; j < text.length; j++) {
        double dot = 0;
        double ni = 0;
        double nt = 0;
        for (int k = 0; k < image[i].length; k++) {
          dot += (double) image[i][k] * text[j][k];
          ni += (double) image[i][k] * image[i][k];
          nt += (double) text[j][k] * text[j][k];
        }
        out[i][j] = (float) (scale * dot / Math.sqrt(ni * nt));
      }
    }
    return out;
  }

  private static double report(PrintWriter out, String name, float[][] actual, Tensor2 expected) {
    float[][] ref = expected.rows();
    if (actual.length != ref.length || actual[0].length != ref[0].length) {
      throw new IllegalArgumentException(
          "reference '"
              + name
              + "' has shape ["
              + ref.length
              + ", "
              + ref[0].length
              + "], the model gives ["
              + actual.length
              + ", "
              + actual[0].length
              + "]");
    }
    double maxDiff = 0;
    double maxRef = 0;
    for (int i = 0; i < ref.length; i++) {
      for (int j = 0; j < ref[i].length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs((double) actual[i][j] - ref[i][j]));
        maxRef = Math.max(maxRef, Math.abs(ref[i][j]));
      }
    }
    double rel = maxRef == 0 ? maxDiff : maxDiff / maxRef;
    out.printf(
        Locale.ROOT,
        "%-17s max_abs_diff=%.3e max_abs_ref=%.3e relative=%.3e%n",
        name,
        maxDiff,
        maxRef,
        rel);
    return rel;
  }
}
