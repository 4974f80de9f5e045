package io.openmede.ingest.clip;

import io.openmede.schemas.values.LabelMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed dataset list in the public formats: CSV {@code path,label} (Open-VCLIP / FROSTER lists)
 * or whitespace-separated {@code path label} text (MMAction2 lists; {@code path frames label}
 * rawframe lists too). A label is a class index looked up in the {@link LabelMap}, or, without a
 * map or when it is not a number, the class name itself. A header line ({@code path,label}) is
 * skipped. Lines that cannot be parsed are kept in {@link #problems()} and the rest is read.
 *
 * @param entries the usable entries in list order
 * @param problems one line per list line that was skipped, with the reason
 */
public record DatasetList(List<DatasetEntry> entries, List<String> problems) {
  public DatasetList {
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
  }

  /**
   * Reads {@code list}; relative video paths are resolved against {@code root}.
   *
   * @throws IOException when the list itself cannot be read
   */
  public static DatasetList read(Path list, Path root, Optional<LabelMap> labels)
      throws IOException {
    List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
    List<DatasetEntry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int number = i + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String path;
      String label;
      int comma = line.lastIndexOf(',');
      if (comma >= 0) {
        path = line.substring(0, comma).strip();
        label = line.substring(comma + 1).strip();
        if (i == 0 && labels.isPresent() && !isInteger(label)) {
          continue; // header
        }
      } else {
        String[] tokens = line.split("\\s+");
        if (tokens.length < 2) {
          problems.add(list + " line " + number + ": expected 'path label', got '" + line + "'");
          continue;
        }
        label = tokens[tokens.length - 1];
        int pathTokens = tokens.length - 1;
        if (tokens.length >= 3 && isInteger(tokens[tokens.length - 2]) && isInteger(label)) {
          pathTokens--; // path total_frames label
        }
        path = String.join(" ", java.util.Arrays.copyOf(tokens, pathTokens));
      }
      if (i == 0 && (path.equalsIgnoreCase("path") || path.equalsIgnoreCase("video"))) {
        continue; // header
      }
      Optional<String> name = resolveLabel(label, labels);
      if (name.isEmpty()) {
        problems.add(
            list
                + " line "
                + number
                + ": class index "
                + label
                + " is not in "
                + labels.map(LabelMap::origin).orElse("the label map")
                + " ("
                + labels.map(LabelMap::size).orElse(0)
                + " classes)");
        continue;
      }
      entries.add(new DatasetEntry(root.resolve(path), path, name.get(), number));
    }
    return new DatasetList(entries, problems);
  }

  private static Optional<String> resolveLabel(String label, Optional<LabelMap> labels) {
    if (labels.isPresent() && isInteger(label)) {
      return labels.get().name(Integer.parseInt(label));
    }
    return label.isEmpty() ? Optional.empty() : Optional.of(label);
  }

  private static boolean isInteger(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i)) && !(i == 0 && s.charAt(i) == '-')) {
        return false;
      }
    }
    return s.length() < 10;
  }
}
