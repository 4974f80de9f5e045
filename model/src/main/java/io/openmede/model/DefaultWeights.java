package io.openmede.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The bundled pretrained {@code tiny} CLIP: trained by {@code openmede pretrain} on the synthetic
 * world's caption corpus (see the README beside the resource for the seed and the command).
 */
public final class DefaultWeights {

  /** Class-path location of the bundled weights. */
  public static final String RESOURCE = "/io/openmede/model/weights/tiny-pretrained.safetensors";

  /** Class-path location of the manifest written with them. */
  public static final String MANIFEST = "/io/openmede/model/weights/tiny-pretrained.json";

  private static Path extracted;

  private DefaultWeights() {}

  /** Whether the weights are on the class path. */
  public static boolean available() {
    return DefaultWeights.class.getResource(RESOURCE) != null;
  }

  /**
   * The bundled weights as a file (extracted once per JVM to a temporary file deleted on exit).
   *
   * @throws IOException when the resource is missing or cannot be copied
   */
  public static synchronized Path extract() throws IOException {
    if (extracted != null && Files.exists(extracted)) {
      return extracted;
    }
    try (InputStream in = DefaultWeights.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the bundled pretrained weights " + RESOURCE + " are missing");
      }
      // a fixed file name, so that versions derived from it read well ("tiny-pretrained...")
      Path dir = Files.createTempDirectory("openmede-weights");
      dir.toFile().deleteOnExit();
      Path tmp = dir.resolve("tiny-pretrained.safetensors");
      tmp.toFile().deleteOnExit();
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      extracted = tmp;
      return tmp;
    }
  }

  /** The manifest (JSON) written with the weights, if bundled. */
  public static Optional<String> manifest() throws IOException {
    try (InputStream in = DefaultWeights.class.getResourceAsStream(MANIFEST)) {
      return in == null
          ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /**
   * The weights a service starts from when none are configured: the bundled pretrained weights for
   * the {@code tiny} preset (when this build has them), otherwise none (random weights).
   */
  public static Optional<Path> defaultFor(String preset) throws IOException {
    return "tiny".equals(preset) && available() ? Optional.of(extract()) : Optional.empty();
  }

  /** The bundled pretrained tiny model on {@code device}; close it when done. */
  public static ClipModel loadTiny(ComputeDevice device) throws IOException {
    return ClipModel.load(extract(), device);
  }
}
