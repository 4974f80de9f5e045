package io.openmede.recognizer.process;

import io.openmede.platform.health.ServiceRun;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A recognizer in a JVM of its own, started with this JVM's class path, for the fault campaign and
 * the tests that kill one with {@code kill -9} (a deployment runs {@code openmede recognize}). Its
 * {@link #main} takes {@code name=value} settings, starts a {@link RecognizerService} with {@link
 * #QUICK_FAILOVER}, prints {@value #RUNNING} once Kafka Streams runs, and serves as {@code
 * recognize} does: until SIGTERM (exit status 0) or a dead component (exit status 1).
 */
public final class RecognizerProcess implements AutoCloseable {

  /** The line the process prints once Kafka Streams runs. */
  public static final String RUNNING = "RUNNING";

  /**
   * Kafka Streams overrides that make a killed instance's partitions move within seconds: its
   * consumer is given up after 6 s without a heartbeat (45 s by default) and its open transaction
   * aborted after 10 s, so that read_committed readers see the survivor's output soon.
   */
  public static final Map<String, Object> QUICK_FAILOVER =
      Map.of(
          "consumer.session.timeout.ms", 6000,
          "consumer.heartbeat.interval.ms", 1000,
          "producer.transaction.timeout.ms", 10000);

  private final ChildJvm jvm;

  private RecognizerProcess(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /**
   * Starts a recognizer process with {@code settings} and waits until it runs; its output goes to
   * {@code log}.
   *
   * @param maxHeap {@code -Xmx} of the process, e.g. {@code 768m}
   * @throws IOException when it does not run within {@code timeout} (the message names the log)
   */
  public static RecognizerProcess start(
      String name, Map<String, String> settings, String maxHeap, Path log, Duration timeout)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>();
    settings.forEach((k, v) -> args.add(k + "=" + v));
    return new RecognizerProcess(
        ChildJvm.start(
            name,
            RecognizerProcess.class.getName(),
            args,
            maxHeap,
            log,
            Optional.of(RUNNING),
            timeout));
  }

  /** The name given at start. */
  public String name() {
    return jvm.name();
  }

  /** The process id. */
  public long pid() {
    return jvm.pid();
  }

  /** Whether the process is still running. */
  public boolean alive() {
    return jvm.alive();
  }

  /** {@code kill -9}: no shutdown, no last commit; waits until it is gone. */
  public void kill() throws InterruptedException {
    jvm.kill();
  }

  /** SIGTERM (Kafka Streams then closes), then {@code kill -9} after 30 s. */
  @Override
  public void close() throws InterruptedException {
    jvm.close();
  }

  /** The recognizer process itself: {@code name=value} settings as arguments. */
  public static void main(String[] args) throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 1) {
        System.err.println("recognizer process: expected name=value arguments, got '" + a + "'");
        System.exit(2);
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
    Settings s = Settings.of(RecognizerSettings.SERVICE_GROUPS, values);
    int status;
    try (RecognizerService service =
        RecognizerService.start(Cluster.from(s), RecognizerSettings.from(s), QUICK_FAILOVER)) {
      if (service.awaitRunning(Duration.ofSeconds(90))) {
        System.out.println(RUNNING);
        System.out.flush();
      }
      status = ServiceRun.serve("recognizer", service.health(), service, System.err);
    }
    System.exit(status);
  }
}
