package io.openmede.cli;

import io.openmede.events.EpisodeLimits;
import io.openmede.events.EventsSettings;
import io.openmede.events.clips.ClipSettings;
import io.openmede.ingest.feedback.LabelerSettings;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.checkpoint.OperatorSettings;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.ConnectionSettings;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.SettingsGroup;
import io.openmede.trainer.TrainerSettings;
import io.openmede.web.WebSettings;
import java.util.List;

/**
 * Every settings group of every service, and the options of the other commands ({@link
 * OptionSettings}): the table behind {@code openmede settings}.
 */
final class AllSettings {
  private AllSettings() {}

  static List<SettingsGroup> groups() {
    List<SettingsGroup> all = new java.util.ArrayList<>(services());
    all.addAll(OptionSettings.groups(Main.bareCommandLine()));
    return List.copyOf(all);
  }

  /** The services' settings, without the commands' options. */
  static List<SettingsGroup> services() {
    return List.of(
        ConnectionSettings.GROUP,
        Cluster.TOPICS_GROUP,
        InputBounds.GROUP,
        RecognizerSettings.GROUP,
        TrainerSettings.GROUP,
        EventsSettings.GROUP,
        EpisodeLimits.GROUP,
        ClipSettings.SETTINGS_GROUP,
        LabelerSettings.SETTINGS,
        WebSettings.GROUP,
        OperatorSettings.GROUP);
  }
}
