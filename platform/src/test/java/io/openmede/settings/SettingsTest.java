package io.openmede.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  enum Mode {
    PLAIN,
    OPEN_MEDE
  }

  static final Setting<Integer> FRAMES = Setting.integer("window.frames", 8, 1, 64, "frames");
  static final Setting<Duration> DELAY =
      Setting.duration("batch.max-delay", Duration.ofMillis(50), "delay");
  static final Setting<Mode> MODE = Setting.choice("train.method", Mode.class, Mode.PLAIN, "m");
  static final Setting<List<String>> LABELS = Setting.list("labels", List.of(), "labels");
  static final SettingsGroup GROUP = SettingsGroup.of("test", FRAMES, DELAY, MODE, LABELS);

  @Test
  void durations_shortFormsAndIso8601_andAClearErrorOtherwise() {
    assertThat(Setting.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Setting.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Setting.parseDuration(" 2m ")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Setting.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Setting.parseDuration("40")).isEqualTo(Duration.ofMillis(40));
    assertThat(Setting.parseDuration("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(new DurationConverter().convert("pt1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> Setting.parseDuration("soon"))
        .hasMessageContaining("250ms, 5s, 2m, 1h or PT5M");
    assertThatThrownBy(() -> Setting.parseDuration("PTx")).hasMessageContaining("PT5M");
  }

  @Test
  void resolve_flagsOverrideEnvironmentOverrideFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "window.frames = 4\nbatch.max-delay = 2s\ntrain.method = open-mede\n");
    Settings s =
        Settings.resolve(
            List.of(GROUP),
            Optional.of(file),
            Map.of("OPENMEDE_WINDOW_FRAMES", "16", "OPENMEDE_BATCH_MAX_DELAY", "250ms"),
            Map.of("window.frames", "32"));
    assertThat(s.get(FRAMES)).isEqualTo(32);
    assertThat(s.get(DELAY)).isEqualTo(Duration.ofMillis(250));
    assertThat(s.get(MODE)).isEqualTo(Mode.OPEN_MEDE);
    assertThat(s.get(LABELS)).isEmpty();
    assertThat(s.origin(FRAMES)).isEqualTo("the command line");
    assertThat(s.origin(DELAY)).isEqualTo("environment variable OPENMEDE_BATCH_MAX_DELAY");
    assertThat(s.origin(LABELS)).isEqualTo("default");
  }

  @Test
  void resolve_outOfRangeValue_namesSettingValueAndOrigin() {
    assertThatThrownBy(() -> Settings.of(List.of(GROUP), Map.of("window.frames", "100")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("window.frames")
        .hasMessageContaining("100")
        .hasMessageContaining("command line");
  }

  @Test
  void resolve_unknownName_suggestsNearOne() {
    assertThatThrownBy(() -> Settings.of(List.of(GROUP), Map.of("window.frame", "4")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("did you mean window.frames");
  }

  @Test
  void parse_badDurationAndChoice_sayWhatIsExpected() {
    assertThatThrownBy(() -> Settings.of(List.of(GROUP), Map.of("batch.max-delay", "soon")))
        .hasMessageContaining("250ms");
    assertThatThrownBy(() -> Settings.of(List.of(GROUP), Map.of("train.method", "sgd")))
        .hasMessageContaining("plain|open-mede");
  }

  @Test
  void sampleFile_listsEverySettingWithDefaultAndEnv() {
    String sample = Settings.sampleFile(List.of(GROUP));
    assertThat(sample)
        .contains("#window.frames = 8")
        .contains("OPENMEDE_BATCH_MAX_DELAY")
        .contains("#batch.max-delay = 50ms")
        .contains("#train.method = plain");
  }
}
