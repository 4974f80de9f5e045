package io.openmede.cli;

import io.openmede.settings.ConfigOptions;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists every setting, or writes them as a sample configuration file or a Markdown table. */
@Command(
    name = "settings",
    mixinStandardHelpOptions = true,
    description = {
      "List every setting with its value and where it came from (flag, environment, file,"
          + " default).",
      "Precedence: --set flags > OPENMEDE_* environment variables > --config file > defaults."
    })
final class SettingsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigOptions config;

  @Option(names = "--sample", description = "Print a sample configuration file with every setting.")
  boolean sample;

  @Option(names = "--markdown", description = "Print every setting as Markdown tables.")
  boolean markdown;

  @Override
  public Integer call() {
    var groups = AllSettings.groups();
    if (sample) {
      spec.commandLine().getOut().print(Settings.sampleFile(groups));
      spec.commandLine().getOut().flush();
      return 0;
    }
    if (markdown) {
      spec.commandLine().getOut().print(Settings.markdownTable(groups));
      spec.commandLine().getOut().flush();
      return 0;
    }
    Settings s = config.resolve(groups);
    var values = s.describe();
    var out = spec.commandLine().getOut();
    for (SettingsGroup g : groups) {
      out.println("# " + g.title());
      for (Setting<?> setting : g.settings()) {
        out.printf(
            "%-40s %-30s (%s)%n", setting.name(), values.get(setting.name()), s.origin(setting));
      }
      out.println();
    }
    out.flush();
    return 0;
  }
}
