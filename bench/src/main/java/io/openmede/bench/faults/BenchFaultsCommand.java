package io.openmede.bench.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openmede bench faults}: the fault campaign on a temporary embedded platform. */
@Command(
    name = "faults",
    mixinStandardHelpOptions = true,
    description = {
      "Fault campaign against running recognition: a broker (the embedded platform in a JVM of"
          + " its own), two recognizer processes of one application id (exactly-once) and"
          + " synthetic cameras, then one fault after another:",
      "  1. bad input on the frames, vocabulary and checkpoints topics: records that are not"
          + " Avro, an unknown schema id, a prompt without {}, an empty label, a 1 MB label, a"
          + " checkpoint outside recognizer.checkpoints.roots, a symlink out of the root,"
          + " /dev/zero; each must be dead-lettered (frames) or refused by every recognizer"
          + " (the refusal metrics);",
      "  2. the broker stopped and started again on the same ports and data;",
      "  3. kill -9 of one of the two recognizers;",
      "  4. an ingest restart: 'openmede ingest synthetic' (one more camera, run from the start)"
          + " stopped and started again (run through java without the launcher on the class"
          + " path: the campaign's own frame producer instead).",
      "A fault is survived when it was refused as it should be (bad input) and every stream"
          + " was recognized again within --bound, every recognizer still running. At the end"
          + " the recognitions are read back (read_committed) and accounted per window (stream,"
          + " first frame): windows lost (never recognized, not dead-lettered), windows"
          + " doubled (recognized more than once).",
      "Last line: RESULT faults=N survived=N windows_lost=N windows_doubled=N dead_lettered=N."
          + " About 3 minutes on 2 cores with the defaults (2.7 to 3.3 measured)."
    })
public final class BenchFaultsCommand implements Callable<Integer> {

  @Option(
      names = "--streams",
      defaultValue = "3",
      description = "Synthetic cameras (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(
      names = "--rate",
      defaultValue = "2",
      description =
          "Frame batches (one window each) per second and camera (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--case-seconds",
      defaultValue = "10",
      description =
          "Seconds of steady recognition before the first fault and after each case (default:"
              + " ${DEFAULT-VALUE}).")
  int caseSeconds;

  @Option(
      names = "--bound",
      defaultValue = "60",
      description =
          "Seconds after a fault within which every stream must be recognized again (default:"
              + " ${DEFAULT-VALUE}; a killed recognizer's partitions move after its 6 s session"
              + " timeout and 10 s transaction timeout).")
  int bound;

  @Option(
      names = "--broker-down",
      defaultValue = "12",
      description = "Seconds the broker stays stopped (default: ${DEFAULT-VALUE}).")
  int brokerDown;

  @Option(
      names = "--work-dir",
      description =
          "Directory for the broker's data, the recognizers' state and the logs (default: a new"
              + " temporary directory, kept for reading the logs).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    if (caseSeconds < 0 || bound < 1 || brokerDown < 0) {
      System.err.println(
          "bench faults: --case-seconds and --broker-down must be >= 0 and --bound >= 1");
      return 2;
    }
    Path work =
        workDir != null
            ? Files.createDirectories(workDir)
            : Files.createTempDirectory("openmede-bench-faults");
    System.out.printf("work directory (broker data, recognizer state, logs): %s%n", work);
    FaultCampaign.Result r =
        new FaultCampaign(
                new FaultCampaign.Options(
                    streams,
                    rate,
                    Duration.ofSeconds(caseSeconds),
                    Duration.ofSeconds(bound),
                    Duration.ofSeconds(brokerDown)),
                System.out)
            .run(work);
    System.out.println(r.resultLine());
    return 0;
  }

  /** Runs the campaign from a plain {@code java} command line. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new BenchFaultsCommand()).execute(args));
  }
}
