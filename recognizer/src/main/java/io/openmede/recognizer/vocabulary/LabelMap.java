package io.openmede.recognizer.vocabulary;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads label maps: one class name per line (as {@code shared/labels/ucf101.txt}), or {@code
 * id,name} CSV lines (a leading header line {@code id,name} is skipped). Blank lines and lines
 * starting with {@code #} are ignored; duplicates are kept once, in first-seen order.
 */
public final class LabelMap {

  private LabelMap() {}

  /** The labels of {@code lines}. */
  public static List<String> parse(List<String> lines) {
    Set<String> out = new LinkedHashSet<>();
    int n = 0;
    for (String raw : lines) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int comma = line.indexOf(',');
      if (comma >= 0) {
        String id = line.substring(0, comma).strip();
        String name = unquote(line.substring(comma + 1).strip());
        if (id.equalsIgnoreCase("id") && out.isEmpty()) {
          continue; // header
        }
        if (!id.matches("\\d+")) {
          throw new IllegalArgumentException(
              "line " + n + " '" + line + "': expected 'id,name' with a numeric id, or one name");
        }
        if (name.isEmpty()) {
          throw new IllegalArgumentException("line " + n + " '" + line + "' has no name");
        }
        out.add(name);
      } else {
        out.add(line);
      }
    }
    return new ArrayList<>(out);
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }
    return s;
  }
}
