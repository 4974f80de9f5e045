package io.openmede.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Resolved configuration: for every declared setting, the value from flags, else from the
 * environment, else from the configuration file, else its default. Immutable and thread-safe.
 *
 * <p>Services convert the settings they need once, at start, into their own immutable records (for
 * example {@code RecognizerSettings.from(settings)}).
 */
public final class Settings {
  private final Map<String, Object> values;
  private final Map<String, String> origins;
  private final Map<String, Setting<?>> declared;

  private Settings(
      Map<String, Object> values, Map<String, String> origins, Map<String, Setting<?>> declared) {
    this.values = values;
    this.origins = origins;
    this.declared = declared;
  }

  /**
   * Resolves settings. Unknown names in the file or flags are errors (a typo must not be silently
   * ignored); unknown {@code OPENMEDE_*} environment variables are ignored, since the environment
   * is shared with other programs.
   *
   * @param groups every group the command knows
   * @param file a properties file ({@code name = value} lines), if given
   * @param env the process environment
   * @param flags values given on the command line, by setting name
   * @throws SettingsException for an unknown name, an unreadable file or an invalid value
   */
  public static Settings resolve(
      Collection<SettingsGroup> groups,
      Optional<Path> file,
      Map<String, String> env,
      Map<String, String> flags) {
    Map<String, Setting<?>> declared = new LinkedHashMap<>();
    for (SettingsGroup g : groups) {
      for (Setting<?> s : g.settings()) {
        Setting<?> previous = declared.putIfAbsent(s.name(), s);
        if (previous != null && previous != s) {
          throw new IllegalStateException("setting " + s.name() + " is declared twice");
        }
      }
    }
    Map<String, String> fromFile = file.map(Settings::readFile).orElse(Map.of());
    String fileOrigin = file.map(p -> "file " + p).orElse("");
    for (String name : fromFile.keySet()) {
      requireKnown(declared, name, fileOrigin);
    }
    for (String name : flags.keySet()) {
      requireKnown(declared, name, "the command line");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    for (Setting<?> s : declared.values()) {
      String text;
      String origin;
      if (flags.containsKey(s.name())) {
        text = flags.get(s.name());
        origin = "the command line";
      } else if (env.containsKey(s.envName())) {
        text = env.get(s.envName());
        origin = "environment variable " + s.envName();
      } else if (fromFile.containsKey(s.name())) {
        text = fromFile.get(s.name());
        origin = fileOrigin;
      } else {
        values.put(s.name(), s.defaultValue());
        origins.put(s.name(), "default");
        continue;
      }
      values.put(s.name(), s.parse(text, origin));
      origins.put(s.name(), origin);
    }
    return new Settings(values, origins, declared);
  }

  /** Defaults only: for tests and embedded use. */
  public static Settings defaults(Collection<SettingsGroup> groups) {
    return resolve(groups, Optional.empty(), Map.of(), Map.of());
  }

  /** Defaults overridden by the given values, by name: for tests and embedded use. */
  public static Settings of(Collection<SettingsGroup> groups, Map<String, String> values) {
    return resolve(groups, Optional.empty(), Map.of(), values);
  }

  /**
   * A copy with some values replaced, by name: for a program that sets values of its own (the
   * demo's defaults, a service started in-process).
   *
   * @throws SettingsException for an unknown name or an invalid value
   */
  public Settings withValues(Map<String, String> overrides) {
    Map<String, Object> v = new LinkedHashMap<>(values);
    Map<String, String> o = new LinkedHashMap<>(origins);
    for (var e : overrides.entrySet()) {
      requireKnown(declared, e.getKey(), "the program");
      v.put(e.getKey(), declared.get(e.getKey()).parse(e.getValue(), "the program"));
      o.put(e.getKey(), "the program");
    }
    return new Settings(v, o, declared);
  }

  /**
   * The value of a setting.
   *
   * @throws IllegalArgumentException when the setting was not among the resolved groups (a
   *     programming error: the command must declare the groups it reads)
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    if (!declared.containsKey(setting.name())) {
      throw new IllegalArgumentException(
          "setting " + setting.name() + " was not declared to this command");
    }
    return (T) values.get(setting.name());
  }

  /** Where the value of a setting came from: a file, an environment variable, a flag, default. */
  public String origin(Setting<?> setting) {
    return origins.getOrDefault(setting.name(), "undeclared");
  }

  /** Every resolved value as text, secrets masked, sorted by name: for logs and diagnostics. */
  public Map<String, String> describe() {
    Map<String, String> out = new TreeMap<>();
    for (Setting<?> s : declared.values()) {
      out.put(s.name(), formatValue(s));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private <T> String formatValue(Setting<T> s) {
    return s.format((T) values.get(s.name()));
  }

  private static void requireKnown(Map<String, Setting<?>> declared, String name, String origin) {
    if (!declared.containsKey(name)) {
      String near =
          declared.keySet().stream()
              .filter(k -> distance(k, name) <= 3)
              .collect(Collectors.joining(", "));
      throw new SettingsException(
          "unknown setting '"
              + name
              + "' in "
              + origin
              + (near.isEmpty() ? "" : " (did you mean " + near + "?)")
              + "; `openmede settings` lists every setting");
    }
  }

  private static Map<String, String> readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SettingsException(
          "configuration file " + file + " does not exist; pass --config with an existing file");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new SettingsException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      out.put(k.trim(), p.getProperty(k).trim());
    }
    return out;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Renders groups as a sample properties file: every setting with its doc and default. */
  public static String sampleFile(List<SettingsGroup> groups) {
    StringBuilder b = new StringBuilder();
    b.append("# openmede configuration. Every setting with its default.\n")
        .append(
            "# Precedence: command-line flags > OPENMEDE_* environment variables > this file.\n");
    for (SettingsGroup g : groups) {
      b.append("\n## ").append(g.title()).append('\n');
      for (Setting<?> s : g.settings()) {
        b.append("\n# ").append(s.doc()).append('\n');
        b.append("# type: ").append(s.type()).append("; env: ").append(s.envName()).append('\n');
        b.append("#").append(s.name()).append(" = ").append(s.defaultText()).append('\n');
      }
    }
    return b.toString();
  }

  /** Renders groups as a Markdown table (name, default, env, description), for the README. */
  public static String markdownTable(List<SettingsGroup> groups) {
    StringBuilder b = new StringBuilder();
    for (SettingsGroup g : groups) {
      b.append("\n#### ").append(g.title()).append("\n\n");
      b.append("| setting | default | environment | description |\n|---|---|---|---|\n");
      for (Setting<?> s : g.settings()) {
        b.append("| `")
            .append(s.name())
            .append("` | `")
            .append(s.defaultText().isEmpty() ? " " : s.defaultText())
            .append("` | `")
            .append(s.envName())
            .append("` | ")
            .append(s.doc().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    return b.toString();
  }
}
