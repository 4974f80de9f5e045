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
      "Fault campaign against every service: a broker (the embedded platform in a JVM of its"
          + " own), a schema registry of the campaign's own, two recognizer processes of one"
          + " application id (exactly-once), the events service, the labeler and the trainer"
          + " (each in a JVM of its own, started through its command), the live page, synthetic"
          + " cameras and alert rules, then one fault after another:",
      "  1. bad input on the frames, vocabulary and checkpoints topics: records that are not"
          + " Avro, an unknown schema id, a prompt without {}, an empty label, a 1 MB label, a"
          + " checkpoint outside recognizer.checkpoints.roots, a symlink out of the root,"
          + " /dev/zero; each must be dead-lettered (frames) or refused by every recognizer"
          + " (the refusal metrics);",
      "  2. bad input for the other services, each to be dead-lettered with a reason: rules (a"
          + " glob of 5,000 stars, a huge name, another topic's schema, a webhook port out of"
          + " range), recognitions (a sequence or a time far ahead on a camera, a too long"
          + " stream id, garbage), feedback (an unknown stream, garbage, a 900 KB label), labeled"
          + " clips (a 1 MiB label, a JPEG declaring 65535x65535, 1 x 250,000 RGB, another"
          + " topic's schema); then every rule that opened episodes must open them again, and"
          + " good feedback must become a labeled clip that the trainer reads;",
      "  3. slow clients: 192 half-open connections on each health, metrics and page port while"
          + " /health/live must answer within 1 s;",
      "  4. the broker stopped and started again on the same ports and data;",
      "  5. kill -9 of one of the two recognizers;",
      "  6. an ingest restart: 'openmede ingest synthetic' (one more camera, run from the start)"
          + " stopped and started again (run through java without the launcher on the class"
          + " path: the campaign's own frame producer instead);",
      "  7. the schema registry stopped for 30 s across a restart of a recognizer and of the"
          + " events service: no record may be dead-lettered for it.",
      "A fault is survived when it was refused as it should be (bad input) and every stream"
          + " was recognized again within --bound, every service still running. At the end"
          + " the recognitions are read back (read_committed) and accounted per window (stream,"
          + " first frame), stream by stream: windows lost (never recognized, not dead-lettered),"
          + " windows doubled (recognized more than once), streams muted (no recognition after"
          + " the last fault); the events per rule: episodes lost (a close without its open),"
          + " doubled, rules muted (opened before the faults, not after); the used heap of every"
          + " service process after a collection, sampled every 10 s, against 3/4 of its -Xmx.",
      "Last line: RESULT faults=N survived=N windows_lost=N windows_doubled=N dead_lettered=N"
          + " streams_muted=N rules_muted=N episodes_lost=N episodes_doubled=N heap_max_mb=N"
          + " heap_bounded=true|false health_max_ms=N. About 6 minutes on 2 cores with the"
          + " defaults."
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
