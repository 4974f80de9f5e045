package io.openmede.settings;

import java.util.List;

/**
 * The settings of one part of the system (Kafka connection, recognizer, trainer, ...), in the order
 * they are documented.
 *
 * @param title a heading for help text and the sample configuration
 * @param settings the settings, names unique within the group
 */
public record SettingsGroup(String title, List<Setting<?>> settings) {
  public SettingsGroup {
    settings = List.copyOf(settings);
    long distinct = settings.stream().map(Setting::name).distinct().count();
    if (distinct != settings.size()) {
      throw new IllegalArgumentException("settings group '" + title + "' declares a name twice");
    }
  }

  public static SettingsGroup of(String title, Setting<?>... settings) {
    return new SettingsGroup(title, List.of(settings));
  }
}
