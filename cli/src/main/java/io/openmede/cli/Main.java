package io.openmede.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code openmede} command. Exit codes: 0 success, 1 the work failed (the message says why), 2
 * bad usage or configuration (the message says the fix), 130 interrupted.
 */
@Command(
    name = "openmede",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Open-vocabulary action recognition on live video, with a vocabulary you change while it"
          + " runs and a model that keeps improving with Open-MeDe.",
      ""
    },
    subcommands = {CommandLine.HelpCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {
  /** Exit code when the configuration or the command line is wrong. */
  public static final int EXIT_USAGE = 2;

  /** Exit code when the work itself failed. */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code, without exiting: for tests. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The configured command line with every subcommand registered, whose options also read the
   * environment and {@code $OPENMEDE_CONFIG} ({@link OptionSettings}).
   */
  public static CommandLine commandLine() {
    CommandLine cl = bareCommandLine();
    cl.setDefaultValueProvider(OptionSettings.fromEnvironment(cl));
    return cl;
  }

  /** The command line without settings behind its options: their defaults are the annotations'. */
  static CommandLine bareCommandLine() {
    CommandLine cl = new CommandLine(new Main());
    Commands.register(cl);
    cl.setExecutionExceptionHandler(new FailureHandler());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
