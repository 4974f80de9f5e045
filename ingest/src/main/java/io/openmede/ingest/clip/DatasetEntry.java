package io.openmede.ingest.clip;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One video of a dataset list with its class name.
 *
 * @param video the video file, resolved against the dataset root
 * @param listedPath the path as written in the list (used in clip ids)
 * @param label the class name
 * @param line the 1-based line of the list, for reports
 */
public record DatasetEntry(Path video, String listedPath, String label, int line) {
  public DatasetEntry {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(listedPath, "listedPath");
    Objects.requireNonNull(label, "label");
  }
}
