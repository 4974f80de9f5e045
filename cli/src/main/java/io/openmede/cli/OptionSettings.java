package io.openmede.cli;

import io.openmede.settings.Setting;
import io.openmede.settings.SettingsGroup;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of the commands that are not services (pretrain, ingest, demo, recognize's page, the
 * benchmarks) as rows of the one settings table: option {@code --steps} of {@code openmede
 * pretrain} is setting {@code pretrain.steps}, environment variable {@code
 * OPENMEDE_PRETRAIN_STEPS}, and a line {@code pretrain.steps = 500} in the file named by {@code
 * $OPENMEDE_CONFIG}. The command line wins over the environment, the environment over the file, the
 * file over the option's default, as for every other setting. The command's own parser converts and
 * checks the value, so a bad one is reported like a bad flag.
 *
 * <p>Options that are themselves a service's settings ({@code --bootstrap-servers}, {@code
 * --registry-url}) or that name the settings ({@code --config}, {@code --set}) are not mirrored.
 */
final class OptionSettings implements CommandLine.IDefaultValueProvider {

  /** Options that are not mirrored: help, and those that already stand for settings. */
  private static final Set<String> NOT_MIRRORED =
      Set.of("--help", "--version", "--config", "--set", "--bootstrap-servers", "--registry-url");

  private final Map<String, String> env;
  private final Optional<Path> file;

  /**
   * The setting name of every mirrored option of the tree, found once when the provider is made:
   * the provider itself asks picocli nothing (picocli asks it while expanding descriptions).
   */
  private final Map<ArgSpec, String> names = new IdentityHashMap<>();

  /** The prefixes of the mirrored commands, each with its trailing dot. */
  private final Set<String> prefixes = new TreeSet<>();

  private Map<String, String> fileValues;

  /**
   * @param root the command tree whose options are mirrored
   * @param env the process environment
   * @param file the configuration file ({@code $OPENMEDE_CONFIG}), if any
   */
  OptionSettings(CommandLine root, Map<String, String> env, Optional<Path> file) {
    this.env = env;
    this.file = file;
    walk(
        root,
        List.of(),
        (prefix, o, name) -> {
          names.put(o, name);
          prefixes.add(prefix + ".");
        });
  }

  /**
   * The provider for {@code root} in this process: its environment and {@code $OPENMEDE_CONFIG}.
   */
  static OptionSettings fromEnvironment(CommandLine root) {
    Map<String, String> env = System.getenv();
    String config = env.get("OPENMEDE_CONFIG");
    return new OptionSettings(
        root,
        env,
        config == null || config.isBlank() ? Optional.empty() : Optional.of(Path.of(config)));
  }

  private interface Visitor {
    void option(String prefix, OptionSpec option, String settingName);
  }

  /**
   * Visits every mirrored option of the tree under {@code cl}, whose names above it are {@code
   * path}.
   */
  private static void walk(CommandLine cl, List<String> path, Visitor visitor) {
    Optional<String> prefix = prefixOf(path);
    if (prefix.isPresent()) {
      for (OptionSpec o : cl.getCommandSpec().options()) {
        Optional<String> name = settingName(prefix.get(), o);
        if (name.isPresent()) {
          visitor.option(prefix.get(), o, name.get());
        }
      }
    }
    for (var e : cl.getSubcommands().entrySet()) {
      if (!e.getKey().equals("help")) {
        List<String> sub = new ArrayList<>(path);
        sub.add(e.getKey());
        walk(e.getValue(), sub, visitor);
      }
    }
  }

  /**
   * The settings prefix of a command's options, from the names of the commands below {@code
   * openmede}: {@code pretrain}, {@code demo}, {@code stack}, {@code recognize}, {@code evaluate},
   * {@code ingest} (every ingest subcommand), {@code bench.NAME}; empty for the other commands.
   */
  static Optional<String> prefixOf(List<String> path) {
    if (path.isEmpty()) {
      return Optional.empty();
    }
    return switch (path.get(0)) {
      case "pretrain", "demo", "stack", "recognize", "evaluate" ->
          path.size() == 1 ? Optional.of(path.get(0)) : Optional.empty();
      case "ingest" -> path.size() == 2 ? Optional.of("ingest") : Optional.empty();
      case "bench" -> path.size() == 2 ? Optional.of("bench." + path.get(1)) : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** The setting name of an option of a command with {@code prefix}; empty if not mirrored. */
  static Optional<String> settingName(String prefix, OptionSpec o) {
    String longest = o.longestName();
    if (NOT_MIRRORED.contains(longest) || !longest.startsWith("--")) {
      return Optional.empty();
    }
    return Optional.of(prefix + "." + longest.substring(2).toLowerCase(Locale.ROOT));
  }

  /**
   * One settings group per prefix, in the order the commands are registered: the rows {@code
   * openmede settings} lists for {@code root}'s commands.
   */
  static List<SettingsGroup> groups(CommandLine root) {
    Map<String, Map<String, Setting<?>>> byPrefix = new LinkedHashMap<>();
    walk(
        root,
        List.of(),
        (prefix, o, name) ->
            byPrefix
                .computeIfAbsent(prefix, p -> new LinkedHashMap<>())
                .putIfAbsent(name, Setting.text(name, typeOf(o), defaultOf(o), docOf(o))));
    List<SettingsGroup> groups = new ArrayList<>();
    for (var e : byPrefix.entrySet()) {
      groups.add(
          new SettingsGroup(
              "Options of openmede " + e.getKey().replace('.', ' '),
              List.copyOf(e.getValue().values())));
    }
    return groups;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String name = names.get(arg);
    if (name == null) {
      return null;
    }
    String fromEnv = env.get(Setting.text(name, "", "", "").envName());
    if (fromEnv != null) {
      return fromEnv;
    }
    return fileValues(arg).get(name);
  }

  /**
   * The file's values, read once; a name under a mirrored prefix that no option has is an error.
   */
  private Map<String, String> fileValues(ArgSpec arg) {
    if (fileValues == null) {
      Map<String, String> values = file.map(OptionSettings::read).orElse(Map.of());
      Set<String> known = new TreeSet<>(names.values());
      for (String key : values.keySet()) {
        if (!known.contains(key) && prefixes.stream().anyMatch(key::startsWith)) {
          throw new CommandLine.ParameterException(
              arg.command().commandLine(),
              "unknown setting '"
                  + key
                  + "' in file "
                  + file.orElseThrow()
                  + " ($OPENMEDE_CONFIG); `openmede settings` lists every setting");
        }
      }
      fileValues = values;
    }
    return fileValues;
  }

  private static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of(); // the commands that read the file say so
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandLine.PicocliException(
          "cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      out.put(k.trim(), p.getProperty(k).trim());
    }
    return out;
  }

  private static String typeOf(OptionSpec o) {
    Class<?> t = o.type();
    if (t == boolean.class || t == Boolean.class) {
      return "bool";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "int";
    }
    if (t == double.class || t == Double.class || t == float.class) {
      return "decimal";
    }
    if (t == Duration.class) {
      return "duration";
    }
    if (t == Path.class || t == java.io.File.class) {
      return "path";
    }
    if (t.isEnum()) {
      List<String> values = new ArrayList<>();
      for (Object c : t.getEnumConstants()) {
        values.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
      }
      return "one of " + String.join(", ", values);
    }
    if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "list (comma-separated)";
    }
    return "string";
  }

  private static String defaultOf(OptionSpec o) {
    String d = o.defaultValue();
    if (d != null) {
      return d;
    }
    return (o.type() == boolean.class) ? "false" : "";
  }

  private static String docOf(OptionSpec o) {
    String d = String.join(" ", o.description());
    String dflt = defaultOf(o);
    return d.replace("${DEFAULT-VALUE}", dflt.isEmpty() ? "none" : dflt)
        .replace("${COMPLETION-CANDIDATES}", typeOf(o).replace("one of ", ""))
        .replaceAll("\\s+", " ")
        .strip();
  }
}
