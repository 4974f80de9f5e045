package io.openmede.settings;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The configuration options every command shares, as a picocli mixin: {@code --config FILE} and
 * repeated {@code --set name=value}. Add it with {@code @Mixin ConfigOptions config;} and call
 * {@link #resolve(List)} with the groups the command reads.
 *
 * <p>Precedence: {@code --set} (and the command's own flags, passed as overrides) over {@code
 * OPENMEDE_*} environment variables over the file over defaults.
 */
public final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with settings (name = value); `openmede settings --sample` writes one."
              + " Default: $OPENMEDE_CONFIG if set.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "NAME=VALUE",
      description = "Set one setting (repeatable); overrides the environment and the file.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Resolves the given groups from the file, the environment and {@code --set}. */
  public Settings resolve(List<SettingsGroup> groups) {
    return resolve(groups, Map.of());
  }

  /**
   * Resolves the given groups; {@code flagValues} are the command's own named flags (by setting
   * name), which rank with {@code --set}.
   */
  public Settings resolve(List<SettingsGroup> groups, Map<String, String> flagValues) {
    Map<String, String> flags = new LinkedHashMap<>(flagValues);
    flags.putAll(overrides);
    Optional<Path> file = Optional.ofNullable(configFile);
    if (file.isEmpty()) {
      String env = System.getenv("OPENMEDE_CONFIG");
      if (env != null && !env.isBlank()) {
        file = Optional.of(Path.of(env));
      }
    }
    return Settings.resolve(groups, file, System.getenv(), flags);
  }
}
