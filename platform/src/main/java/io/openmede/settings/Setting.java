package io.openmede.settings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One configuration setting, declared once: its name, type, default, validation and documentation.
 * The same declaration drives parsing from a file, the environment and flags, {@code --help}, the
 * sample configuration in {@code deploy/} and the README table.
 *
 * <p>Names are lower-case, dot-separated ({@code recognizer.window.frames}). The environment
 * variable is the name upper-cased with dots and dashes turned into underscores, prefixed with
 * {@code OPENMEDE_} ({@code OPENMEDE_RECOGNIZER_WINDOW_FRAMES}).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
  private final String name;
  private final String type;
  private final T defaultValue;
  private final String doc;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;
  private final boolean secret;

  private Setting(
      String name,
      String type,
      T defaultValue,
      String doc,
      Function<String, T> parser,
      Function<T, String> formatter,
      boolean secret) {
    if (!name.matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "setting name '" + name + "' must be lower-case words separated by dots or dashes");
    }
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.doc = Objects.requireNonNull(doc, "doc");
    this.parser = parser;
    this.formatter = formatter;
    this.secret = secret;
  }

  /**
   * A setting kept as text and checked where it is used: a command-line option mirrored in the
   * table (the command's own parser converts and validates it).
   *
   * @param type what the value is, for the table ("int", "path", "duration", "one of a, b")
   */
  public static Setting<String> text(String name, String type, String defaultValue, String doc) {
    return new Setting<>(name, type, defaultValue, doc, s -> s, s -> s, false);
  }

  /** A free-form string setting. */
  public static Setting<String> string(String name, String defaultValue, String doc) {
    return new Setting<>(name, "string", defaultValue, doc, s -> s, s -> s, false);
  }

  /** A string setting without a default; absent means {@link Optional#empty()}. */
  public static Setting<Optional<String>> optionalString(String name, String doc) {
    return new Setting<>(
        name,
        "string",
        Optional.empty(),
        doc,
        s -> s.isBlank() ? Optional.empty() : Optional.of(s),
        o -> o.orElse(""),
        false);
  }

  /** An integer setting with an inclusive range. */
  public static Setting<Integer> integer(
      String name, int defaultValue, int min, int max, String doc) {
    checkRange(name, defaultValue, min, max);
    return new Setting<>(
        name,
        "int [" + min + ".." + max + "]",
        defaultValue,
        doc,
        s -> {
          int v;
          try {
            v = Integer.parseInt(s.trim().replace("_", ""));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + s + "'");
          }
          checkRange(name, v, min, max);
          return v;
        },
        String::valueOf,
        false);
  }

  /** A long setting with an inclusive range. */
  public static Setting<Long> longInteger(
      String name, long defaultValue, long min, long max, String doc) {
    checkRange(name, defaultValue, min, max);
    return new Setting<>(
        name,
        "long [" + min + ".." + max + "]",
        defaultValue,
        doc,
        s -> {
          long v;
          try {
            v = Long.parseLong(s.trim().replace("_", ""));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + s + "'");
          }
          checkRange(name, v, min, max);
          return v;
        },
        String::valueOf,
        false);
  }

  /** A floating-point setting with an inclusive range. */
  public static Setting<Double> decimal(
      String name, double defaultValue, double min, double max, String doc) {
    checkRange(name, defaultValue, min, max);
    return new Setting<>(
        name,
        "number [" + min + ".." + max + "]",
        defaultValue,
        doc,
        s -> {
          double v;
          try {
            v = Double.parseDouble(s.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number, got '" + s + "'");
          }
          if (Double.isNaN(v)) {
            throw new IllegalArgumentException("expected a number, got NaN");
          }
          checkRange(name, v, min, max);
          return v;
        },
        String::valueOf,
        false);
  }

  /** A boolean setting: true/false, yes/no, on/off, 1/0. */
  public static Setting<Boolean> bool(String name, boolean defaultValue, String doc) {
    return new Setting<>(
        name,
        "boolean",
        defaultValue,
        doc,
        s ->
            switch (s.trim().toLowerCase(Locale.ROOT)) {
              case "true", "yes", "on", "1" -> true;
              case "false", "no", "off", "0" -> false;
              default ->
                  throw new IllegalArgumentException("expected true or false, got '" + s + "'");
            },
        String::valueOf,
        false);
  }

  /** A duration setting written as a number with a unit: {@code 250ms}, {@code 5s}, {@code 2m}. */
  public static Setting<Duration> duration(String name, Duration defaultValue, String doc) {
    return new Setting<>(
        name,
        "duration",
        defaultValue,
        doc,
        Setting::parseDuration,
        Setting::formatDuration,
        false);
  }

  /** A comma-separated list of strings; blank entries are dropped. */
  public static Setting<List<String>> list(String name, List<String> defaultValue, String doc) {
    return new Setting<>(
        name,
        "list",
        List.copyOf(defaultValue),
        doc,
        s ->
            Arrays.stream(s.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .collect(Collectors.toUnmodifiableList()),
        l -> String.join(",", l),
        false);
  }

  /** One of an enum's constants, written in lower case with dashes for underscores. */
  public static <E extends Enum<E>> Setting<E> choice(
      String name, Class<E> type, E defaultValue, String doc) {
    String choices =
        Arrays.stream(type.getEnumConstants())
            .map(Setting::enumText)
            .collect(Collectors.joining("|"));
    return new Setting<>(
        name,
        choices,
        defaultValue,
        doc,
        s -> {
          for (E e : type.getEnumConstants()) {
            if (enumText(e).equals(s.trim().toLowerCase(Locale.ROOT))) {
              return e;
            }
          }
          throw new IllegalArgumentException("expected one of " + choices + ", got '" + s + "'");
        },
        Setting::enumText,
        false);
  }

  /** The same setting, but its value is masked wherever settings are printed. */
  public Setting<T> secret() {
    return new Setting<>(name, type, defaultValue, doc, parser, formatter, true);
  }

  public String name() {
    return name;
  }

  /** A short description of the accepted values, for help text. */
  public String type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  public boolean isSecret() {
    return secret;
  }

  /** The environment variable that sets this setting. */
  public String envName() {
    return "OPENMEDE_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The default value as it would be written in a configuration file. */
  public String defaultText() {
    return formatter.apply(defaultValue);
  }

  /** Formats a value of this setting as it would be written in a configuration file. */
  public String format(T value) {
    String text = formatter.apply(value);
    return secret && !text.isEmpty() ? "****" : text;
  }

  /**
   * Parses a textual value.
   *
   * @throws SettingsException naming the setting, the bad value and what was expected
   */
  public T parse(String text, String origin) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          "setting " + name + " from " + origin + ": " + e.getMessage() + " (" + doc + ")");
    }
  }

  @Override
  public String toString() {
    return name;
  }

  private static String enumText(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void checkRange(String name, double v, double min, double max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          "value " + v + " is outside [" + min + ", " + max + "] for " + name);
    }
  }

  /**
   * A duration as settings and command options write it: 250ms, 5s, 2m, 1h (a bare number is
   * milliseconds), or ISO-8601 such as PT5M.
   *
   * @throws IllegalArgumentException naming the forms accepted
   */
  public static Duration parseDuration(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "expected a duration such as 250ms, 5s, 2m, 1h or PT5M, got '" + s + "'");
      }
    }
    var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)?").matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 250ms, 5s, 2m, 1h or PT5M, got '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
