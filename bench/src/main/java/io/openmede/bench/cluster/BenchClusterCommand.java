package io.openmede.bench.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openmede bench cluster}: faults on the production stack ({@link ClusterCampaign}). */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "On the stack (three Kafka nodes with TLS, SCRAM and ACLs, Apicurio, ingest with two cameras"
          + " and two recognizers as processes): the frames partition leader killed -9 and"
          + " restarted, the active controller killed -9 and restarted, the registry stopped for"
          + " --registry-down, one recognizer killed -9; per case the seconds until every camera"
          + " is recognized for a window captured after the fault; over the run windows lost and"
          + " doubled, and the camera's credentials tried on every other topic.",
      "Last line: RESULT nodes=3 cases=N survived=N windows_lost=N windows_doubled=N"
          + " acl_refusals=N/N max_recovery_s=S"
    })
public final class BenchClusterCommand implements Callable<Integer> {

  /** The launcher's main class, which the services run. */
  private static final String LAUNCHER = "io.openmede.cli.Main";

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the run's stack lives, kept with its logs (default: a new temporary directory).")
  Path dir;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "Rounds of the node and registry faults; the recognizer is killed once, at the end"
              + " (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--registry-down",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description = "How long the registry stays stopped (default: ${DEFAULT-VALUE}).")
  int registryDown;

  @Option(
      names = "--bound",
      defaultValue = "90",
      paramLabel = "SECONDS",
      description =
          "A case is survived when every camera is recognized again within this many seconds of"
              + " the fault's end (default: ${DEFAULT-VALUE}).")
  int bound;

  @Option(
      names = "--settle",
      defaultValue = "10",
      paramLabel = "SECONDS",
      description = "Pause after each case before the next (default: ${DEFAULT-VALUE}).")
  int settle;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds " + rounds + " must be at least 1");
    }
    boolean temporary = dir == null;
    Path where = temporary ? Files.createTempDirectory("openmede-bench-cluster-") : dir;
    System.out.println("bench cluster: the stack lives in " + where);
    ClusterCampaign.Result r =
        new ClusterCampaign(
                new ClusterCampaign.Options(
                    where,
                    rounds,
                    Duration.ofSeconds(settle),
                    Duration.ofSeconds(registryDown),
                    Duration.ofSeconds(bound)),
                System.out)
            .run(LAUNCHER);
    for (ClusterCampaign.Case c : r.cases()) {
      System.out.printf(
          java.util.Locale.ROOT,
          "case %-14s recovery %5.1f s  %s%n",
          c.name(),
          c.recoverySeconds(),
          c.survived() ? "survived" : "NOT survived");
    }
    System.out.println(r.resultLine());
    return 0;
  }
}
