package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.settings.Setting;
import io.openmede.settings.SettingsGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class OptionSettingsTest {

  @TempDir Path dir;

  private static CommandLine withProvider(Map<String, String> env, Optional<Path> file) {
    CommandLine cl = Main.bareCommandLine();
    cl.setDefaultValueProvider(new OptionSettings(cl, env, file));
    return cl;
  }

  /** The value of {@code option} of the leaf command after parsing {@code args}. */
  private static Object valueOf(CommandLine cl, String option, String... args) {
    ParseResult pr = cl.parseArgs(args);
    while (pr.hasSubcommand()) {
      pr = pr.subcommand();
    }
    return pr.commandSpec().findOption(option).getValue();
  }

  private static Map<String, Setting<?>> rows() {
    return OptionSettings.groups(Main.bareCommandLine()).stream()
        .flatMap(g -> g.settings().stream())
        .collect(Collectors.toMap(Setting::name, s -> s));
  }

  @Test
  void everyNonServiceCommand_hasItsOptionsInTheTable() {
    Map<String, Setting<?>> rows = rows();
    assertThat(rows.get("pretrain.steps").defaultText()).isEqualTo("1500");
    assertThat(rows.get("pretrain.steps").type()).isEqualTo("int");
    assertThat(rows.get("pretrain.steps").envName()).isEqualTo("OPENMEDE_PRETRAIN_STEPS");
    assertThat(rows)
        .containsKeys(
            "pretrain.final-lr",
            "ingest.fps",
            "ingest.jpeg-quality",
            "demo.duration",
            "recognize.http",
            "bench.recognizer.windows",
            "bench.faults.work-dir",
            "bench.model.frames",
            "bench.generalization.seeds");
    assertThat(rows.keySet())
        .noneMatch(n -> n.endsWith(".help") || n.endsWith(".version") || n.endsWith(".set"))
        .noneMatch(n -> n.endsWith(".bootstrap-servers") || n.endsWith(".registry-url"));
    List<String> titles =
        OptionSettings.groups(Main.bareCommandLine()).stream().map(SettingsGroup::title).toList();
    assertThat(titles)
        .contains("Options of openmede pretrain", "Options of openmede bench recognizer");
  }

  @Test
  void theTableOfOpenmedeSettings_holdsTheOptionsToo() {
    assertThat(AllSettings.groups().stream().flatMap(g -> g.settings().stream()).map(Setting::name))
        .contains("pretrain.steps", "kafka.bootstrap.servers", "ingest.fps");
  }

  @Test
  void theCommandLine_beatsTheEnvironment_whichBeatsTheFile_whichBeatsTheDefault()
      throws Exception {
    Path file = dir.resolve("openmede.properties");
    Files.writeString(file, "pretrain.steps = 11\npretrain.batch = 64\nrecognizer.top.k = 3\n");
    Map<String, String> env = Map.of("OPENMEDE_PRETRAIN_STEPS", "7");
    assertThat(valueOf(withProvider(Map.of(), Optional.empty()), "--steps", "pretrain"))
        .isEqualTo(1500);
    assertThat(valueOf(withProvider(Map.of(), Optional.of(file)), "--steps", "pretrain"))
        .isEqualTo(11);
    assertThat(valueOf(withProvider(env, Optional.of(file)), "--steps", "pretrain")).isEqualTo(7);
    assertThat(valueOf(withProvider(env, Optional.of(file)), "--steps", "pretrain", "--steps", "9"))
        .isEqualTo(9);
    assertThat(valueOf(withProvider(env, Optional.of(file)), "--batch", "pretrain")).isEqualTo(64);
  }

  @Test
  void anOptionOfAMixin_andOfANestedCommand_areSetToo() {
    Map<String, String> env =
        Map.of("OPENMEDE_INGEST_FPS", "5", "OPENMEDE_BENCH_RECOGNIZER_WINDOWS", "12");
    assertThat(valueOf(withProvider(env, Optional.empty()), "--fps", "ingest", "file", "x.mp4"))
        .isEqualTo(5.0);
    assertThat(valueOf(withProvider(env, Optional.empty()), "--windows", "bench", "recognizer"))
        .isEqualTo(12);
  }

  @Test
  void aBadValue_isRefusedLikeABadFlag() {
    CommandLine cl = withProvider(Map.of("OPENMEDE_PRETRAIN_STEPS", "many"), Optional.empty());
    assertThatThrownBy(() -> cl.parseArgs("pretrain"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("many");
  }

  @Test
  void aMisspelledNameInTheFile_isRefusedWithTheName() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "pretrain.stpes = 11\n");
    CommandLine cl = withProvider(Map.of(), Optional.of(file));
    assertThatThrownBy(() -> cl.parseArgs("pretrain"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("pretrain.stpes")
        .hasMessageContaining("openmede settings");
  }
}
