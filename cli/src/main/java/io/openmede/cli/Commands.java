package io.openmede.cli;

import picocli.CommandLine;

/** Every subcommand of {@code openmede}, in the order {@code --help} lists them. */
final class Commands {
  private Commands() {}

  static void register(CommandLine cl) {
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new SettingsCommand());
  }
}
