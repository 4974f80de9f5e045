package io.openmede.cli;

import io.openmede.embedded.cli.BrokerCommand;
import io.openmede.model.cli.TokenizeCommand;
import picocli.CommandLine;

/** Every subcommand of {@code openmede}, in the order {@code --help} lists them. */
final class Commands {
  private Commands() {}

  static void register(CommandLine cl) {
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new BrokerCommand());
    cl.addSubcommand(new TokenizeCommand());
    cl.addSubcommand(new SettingsCommand());
  }
}
