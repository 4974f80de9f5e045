package io.openmede.cli;

import io.openmede.settings.SettingsException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions from commands into one clear line and an exit code: configuration and argument
 * errors exit 2, everything else 1. Stack traces only with {@code OPENMEDE_DEBUG=1}.
 */
final class FailureHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    boolean usage =
        e instanceof SettingsException
            || e instanceof IllegalArgumentException
            || e instanceof CommandLine.ParameterException;
    Throwable shown = e instanceof UncheckedIOException u ? u.getCause() : e;
    cl.getErr()
        .println(
            cl.getColorScheme()
                .errorText(
                    "openmede "
                        + cl.getCommandName()
                        + ": "
                        + (shown.getMessage() == null
                            ? shown.getClass().getSimpleName()
                            : shown.getMessage())));
    if ("1".equals(System.getenv("OPENMEDE_DEBUG"))) {
      e.printStackTrace(cl.getErr());
    } else {
      cl.getErr().println("(set OPENMEDE_DEBUG=1 for the stack trace)");
    }
    return usage ? Main.EXIT_USAGE : Main.EXIT_FAILURE;
  }
}
