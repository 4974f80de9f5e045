package io.openmede.ingest.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Class index to class name, read from the public formats: a JSON object ({@code {"0": "abseiling",
 * ...}} or {@code {"abseiling": 0, ...}}) or array, an {@code id,name} CSV with a header (as
 * shared/labels/base2novel/*.csv), or a text file with one name a line (index = line number from 0,
 * as shared/labels/k400.txt). Immutable.
 */
public final class LabelMap {
  private final Map<Integer, String> names;
  private final String origin;

  private LabelMap(Map<Integer, String> names, String origin) {
    this.names = Map.copyOf(names);
    this.origin = origin;
  }

  public static LabelMap of(Map<Integer, String> names) {
    return new LabelMap(names, "the given label map");
  }

  /** Reads a label map, choosing the format by extension (.json, .csv, anything else: lines). */
  public static LabelMap load(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<Integer, String> names = new HashMap<>();
    if (name.endsWith(".json")) {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      if (root.isArray()) {
        for (int i = 0; i < root.size(); i++) {
          names.put(i, root.get(i).asText());
        }
      } else if (root.isObject()) {
        for (Map.Entry<String, JsonNode> e : root.properties()) {
          if (e.getValue().isInt()) {
            names.put(e.getValue().asInt(), e.getKey());
          } else {
            names.put(parseId(e.getKey(), file), e.getValue().asText());
          }
        }
      } else {
        throw new IOException("label map " + file + " is neither a JSON object nor an array");
      }
    } else if (name.endsWith(".csv")) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("id,"))) {
          continue;
        }
        int comma = line.indexOf(',');
        if (comma < 0) {
          throw new IOException(
              file + " line " + (i + 1) + ": expected id,name, got '" + line + "'");
        }
        names.put(
            parseId(line.substring(0, comma).strip(), file),
            unquote(line.substring(comma + 1).strip()));
      }
    } else {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      int id = 0;
      for (String line : lines) {
        if (!line.isBlank()) {
          names.put(id++, line.strip());
        }
      }
    }
    if (names.isEmpty()) {
      throw new IOException("label map " + file + " holds no labels");
    }
    return new LabelMap(names, file.toString());
  }

  private static int parseId(String text, Path file) throws IOException {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IOException("label map " + file + ": '" + text + "' is not a class index", e);
    }
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }

  /** The name of class {@code id}, if the map has it. */
  public Optional<String> name(int id) {
    return Optional.ofNullable(names.get(id));
  }

  /** Number of classes. */
  public int size() {
    return names.size();
  }

  /** Where the map was read from, for messages. */
  public String origin() {
    return origin;
  }
}
