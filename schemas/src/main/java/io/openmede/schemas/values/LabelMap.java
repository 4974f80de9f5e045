package io.openmede.schemas.values;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Class index to class name, read with one set of rules wherever a label map is read ({@code
 * openmede ingest list --labels}, {@code openmede vocab import}). The format follows the extension:
 *
 * <ul>
 *   <li>{@code .json}: an object {@code {"0": "abseiling", ...}} or {@code {"abseiling": 0, ...}},
 *       or an array (index = position);
 *   <li>{@code .csv}: {@code id,name} lines (as {@code shared/labels/base2novel/*.csv}); a first
 *       line {@code id,name} is a header; a name may be quoted ({@code "a, b"}, {@code ""} for a
 *       quote);
 *   <li>anything else: one name a line (index = its position among the names, as {@code
 *       shared/labels/k400.txt}); commas are part of the name.
 * </ul>
 *
 * In CSV and text files, blank lines and lines starting with {@code #} are skipped and names are
 * stripped. A non-numeric or repeated id, an empty name or a map without names is refused with the
 * file and line. Immutable.
 */
public final class LabelMap {

  private final Map<Integer, String> names;
  private final String origin;

  private LabelMap(Map<Integer, String> names, String origin) {
    this.names = new TreeMap<>(names);
    this.origin = origin;
  }

  /** A map given in code. */
  public static LabelMap of(Map<Integer, String> names) {
    return new LabelMap(names, "the given label map");
  }

  /**
   * Reads a label map, choosing the format by extension.
   *
   * @throws IOException when the file cannot be read or breaks the rules (the message names the
   *     file and line)
   */
  public static LabelMap load(Path file) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Map<Integer, String> names;
    if (name.endsWith(".json")) {
      names = json(file);
    } else {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      names = name.endsWith(".csv") ? csv(lines, file) : text(lines);
    }
    if (names.isEmpty()) {
      throw new IOException("label map " + file + " holds no labels");
    }
    return new LabelMap(names, file.toString());
  }

  private static Map<Integer, String> json(Path file) throws IOException {
    Map<Integer, String> names = new TreeMap<>();
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null) {
      throw new IOException("label map " + file + " is empty");
    }
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        names.put(i, checkName(root.get(i).asText(), file, "entry " + i));
      }
    } else if (root.isObject()) {
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        if (e.getValue().isInt()) {
          put(names, e.getValue().asInt(), checkName(e.getKey(), file, "key"), file, e.getKey());
        } else {
          put(
              names,
              parseId(e.getKey(), file, "key '" + e.getKey() + "'"),
              checkName(e.getValue().asText(), file, "key " + e.getKey()),
              file,
              e.getKey());
        }
      }
    } else {
      throw new IOException("label map " + file + " is neither a JSON object nor an array");
    }
    return names;
  }

  private static Map<Integer, String> csv(List<String> lines, Path file) throws IOException {
    Map<Integer, String> names = new TreeMap<>();
    boolean first = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "line " + (i + 1);
      boolean header = first && line.toLowerCase(Locale.ROOT).replace(" ", "").equals("id,name");
      first = false;
      if (header) {
        continue;
      }
      int comma = line.indexOf(',');
      if (comma < 0) {
        throw new IOException(file + " " + where + ": expected id,name, got '" + line + "'");
      }
      put(
          names,
          parseId(line.substring(0, comma).strip(), file, where),
          checkName(unquote(line.substring(comma + 1).strip()), file, where),
          file,
          where);
    }
    return names;
  }

  private static Map<Integer, String> text(List<String> lines) {
    Map<Integer, String> names = new TreeMap<>();
    int id = 0;
    for (String raw : lines) {
      String line = raw.strip();
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.put(id++, line);
      }
    }
    return names;
  }

  private static void put(Map<Integer, String> names, int id, String name, Path file, String where)
      throws IOException {
    if (names.putIfAbsent(id, name) != null) {
      throw new IOException(
          "label map " + file + " " + where + ": class index " + id + " is given twice");
    }
  }

  private static int parseId(String text, Path file, String where) throws IOException {
    try {
      int id = Integer.parseInt(text.strip());
      if (id < 0) {
        throw new NumberFormatException("negative");
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IOException(
          "label map " + file + " " + where + ": '" + text + "' is not a class index (0, 1, ...)",
          e);
    }
  }

  private static String checkName(String name, Path file, String where) throws IOException {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty()) {
      throw new IOException("label map " + file + " " + where + ": the name is empty");
    }
    return n;
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }
    return s;
  }

  /** The name of class {@code id}, if the map has it. */
  public Optional<String> name(int id) {
    return Optional.ofNullable(names.get(id));
  }

  /** The distinct names in class-index order (a name given twice counts once). */
  public List<String> labels() {
    return new ArrayList<>(new LinkedHashSet<>(names.values()));
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
