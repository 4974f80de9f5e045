package io.openmede.trainer.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a checkpoint's safetensors weights to a file the store chooses. */
@FunctionalInterface
public interface WeightsWriter {

  /** Writes the weights to {@code file} (which does not exist yet). */
  void writeTo(Path file) throws IOException;
}
