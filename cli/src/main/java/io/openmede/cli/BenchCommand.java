package io.openmede.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code openmede bench ...}: benchmarks that print figures, each ending with one {@code RESULT
 * key=value ...} line. Each compares against a baseline measured in the same run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks: each prints its figures and ends with one line RESULT key=value ...",
      "Baselines are measured in the same run, since shared machines are noisy."
    },
    synopsisSubcommandLabel = "BENCHMARK",
    commandListHeading = "%nBenchmarks:%n")
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
