package io.openmede.model;

import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The clip-tiny fixture (OpenAI's CLIP code run on random weights) in the test resources. */
final class Fixtures {

  private Fixtures() {}

  static Path path(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/clip-tiny/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The reference inputs and outputs in io.safetensors. */
  record Reference(
      float[] images,
      int imageCount,
      int[][] tokens,
      float[][] imageFeatures,
      float[][] textFeatures,
      float[][] logits) {}

  static Reference reference() {
    try (Safetensors.Reader r = Safetensors.open(path("io.safetensors"))) {
      long[] tok = r.longs("text_tokens");
      long[] ts = r.entries().get("text_tokens").shape();
      int[][] tokens = new int[(int) ts[0]][(int) ts[1]];
      for (int i = 0; i < ts[0]; i++) {
        for (int j = 0; j < ts[1]; j++) {
          tokens[i][j] = (int) tok[(int) (i * ts[1] + j)];
        }
      }
      return new Reference(
          r.floats("images"),
          (int) r.entries().get("images").shape()[0],
          tokens,
          matrix(r, "image_features"),
          matrix(r, "text_features"),
          matrix(r, "logits_per_image"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static float[][] matrix(Safetensors.Reader r, String name) throws IOException {
    float[] flat = r.floats(name);
    long[] s = r.entries().get(name).shape();
    float[][] out = new float[(int) s[0]][(int) s[1]];
    for (int i = 0; i < s[0]; i++) {
      System.arraycopy(flat, (int) (i * s[1]), out[i], 0, (int) s[1]);
    }
    return out;
  }

  /** Largest absolute difference divided by the largest absolute reference value. */
  static double relativeError(float[][] actual, float[][] expected) {
    double maxDiff = 0;
    double maxRef = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(actual[i][j] - expected[i][j]));
        maxRef = Math.max(maxRef, Math.abs(expected[i][j]));
      }
    }
    return maxDiff / maxRef;
  }

  /** OpenAI's logits_per_image from unnormalised features. */
  static float[][] logits(float[][] image, float[][] text, double scale) {
    float[][] out = new float[image.length][text.length];
    for (int i = 0; i < image.length; i++) {
      for (int j = 0; j < text.length; j++) {
        double dot = 0;
        double ni = 0;
        double nt = 0;
        for (int k = 0; k < image[i].length; k++) {
          dot += image[i][k] * text[j][k];
          ni += image[i][k] * image[i][k];
          nt += text[j][k] * text[j][k];
        }
        out[i][j] = (float) (scale * dot / Math.sqrt(ni * nt));
      }
    }
    return out;
  }
}
