package io.openmede.bench.trainer;

import io.openmede.settings.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openmede bench trainer}: Open-MeDe vs plain fine-tuning throughput and memory. */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description =
        "Runs Open-MeDe and plain fine-tuning on the same clips and model; prints samples/s of"
            + " each, their ratio and peak memory; last line RESULT meta_vs_plain_throughput=...")
public final class BenchTrainerCommand implements Callable<Integer> {

  @Option(names = "--config", description = "Settings file (name = value lines).")
  Path config;

  @Option(names = "--set", description = "A setting as name=value; repeatable.")
  Map<String, String> flags = new LinkedHashMap<>();

  @Override
  public Integer call() {
    return run(
        Settings.resolve(
            List.of(TrainerBenchmark.GROUP), Optional.ofNullable(config), System.getenv(), flags));
  }

  /** Runs with resolved settings (the launcher's entry point). */
  public static int run(Settings settings) {
    TrainerBenchmark.run(settings, System.out);
    return 0;
  }

  /** Stand-alone entry point. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new BenchTrainerCommand()).execute(args));
  }
}
