package io.openmede.bench.cluster;

import io.openmede.bench.faults.FaultAccounting;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.Topic;
import io.openmede.settings.Settings;
import io.openmede.stack.Stack;
import io.openmede.stack.access.Role;
import io.openmede.stack.kafka.KafkaNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * {@code bench cluster}: on the stack ({@link Stack}: three nodes with TLS, SCRAM and ACLs,
 * Apicurio, ingest with two cameras and two recognizers as processes), one fault after another:
 *
 * <ol>
 *   <li>{@code frames-leader}: the leader of the frames partition of the first camera killed with
 *       -9, then started again;
 *   <li>{@code controller}: the active KRaft controller killed with -9, then started again;
 *   <li>{@code registry}: the registry stopped (SIGTERM) for {@code registryDown}, then started
 *       again on its port and data;
 *   <li>{@code recognizer}: one recognizer killed with -9 (the other takes its partitions over).
 * </ol>
 *
 * <p>Per case the time from the fault until every camera has a recognition of a window captured
 * after the fault; a case is survived when that came within {@code bound} of the fault's end. Over
 * the run, after the cameras stop: windows lost and doubled (read_committed, per stream and first
 * sequence), and the camera's credentials tried against every other project topic (each write must
 * be refused by the broker).
 */
public final class ClusterCampaign {

  /** How a run goes. */
  public record Options(
      Path dir, int rounds, Duration settle, Duration registryDown, Duration bound) {}

  /** One case's outcome. */
  public record Case(String name, double recoverySeconds, boolean survived) {}

  /** The run's figures. */
  public record Result(
      List<Case> cases,
      int windowsExpected,
      int windowsLost,
      int windowsDoubled,
      int aclRefusals,
      int aclTries) {

    public int survived() {
      return (int) cases.stream().filter(Case::survived).count();
    }

    public double maxRecoverySeconds() {
      return cases.stream().mapToDouble(Case::recoverySeconds).max().orElse(0);
    }

    /** The last line the benchmark prints. */
    public String resultLine() {
      return String.format(
          Locale.ROOT,
          "RESULT nodes=3 cases=%d survived=%d windows_lost=%d windows_doubled=%d"
              + " acl_refusals=%d/%d max_recovery_s=%.1f",
          cases.size(),
          survived(),
          windowsLost,
          windowsDoubled,
          aclRefusals,
          aclTries,
          maxRecoverySeconds());
    }
  }

  private static final List<String> CAMERAS = List.of("synthetic-0", "synthetic-1");

  private final Options options;
  private final PrintStream out;

  public ClusterCampaign(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the campaign; the stack is stopped at the end whatever happens. */
  public Result run(String launcher) throws Exception {
    Stack.Options stackOptions =
        new Stack.Options(
            options.dir(),
            Set.of("ingest", "recognizer", "recognizer-2"),
            OptionalInt.empty(),
            "320m",
            "160m",
            Map.of("OPENMEDE_RECOGNIZER_STREAM_THREADS", "1"),
            CompatibilityLevel.BACKWARD_TRANSITIVE);
    WindowConfig window =
        RecognizerSettings.from(
                Settings.defaults(
                    List.of(
                        RecognizerSettings.GROUP, io.openmede.schemas.values.InputBounds.GROUP)))
            .topology()
            .window();
    try (Stack stack = Stack.startPlatform(stackOptions, out)) {
      stack.startServices(launcher, out);
      Cluster operator = stack.clusterAs(stack.connection(Role.OPERATOR));
      List<Case> cases = new ArrayList<>();
      int[] acl;
      try (RecognitionWatch watch = new RecognitionWatch(operator)) {
        long start = System.currentTimeMillis();
        for (String camera : CAMERAS) {
          if (watch.awaitWindowAfter(camera, start - 60_000, Duration.ofMinutes(4)) < 0) {
            throw new IllegalStateException(
                "no recognition of " + camera + " within 4 minutes; see " + options.dir());
          }
        }
        out.println("bench cluster: every camera recognized; the faults begin");
        for (int round = 1; round <= options.rounds(); round++) {
          cases.add(framesLeader(stack, operator, watch));
          cases.add(controller(stack, watch));
          cases.add(registry(stack, watch));
          if (round == options.rounds()) {
            cases.add(recognizer(stack, watch)); // last: the run ends with one recognizer
          }
        }
        acl = cameraRefusedElsewhere(stack);
        stack.service("ingest").orElseThrow().process().stop(Duration.ofSeconds(30));
        FaultAccounting.Outcome o = watch.awaitAllRecognized(window, Duration.ofMinutes(3));
        out.printf(
            "bench cluster: windows expected %d, recognized %d, lost %d%s, doubled %d%s%n",
            o.expected(),
            o.recognized(),
            o.lost().size(),
            o.lost().isEmpty() ? "" : " " + o.lost().subList(0, Math.min(10, o.lost().size())),
            o.doubled().size(),
            o.doubled().isEmpty()
                ? ""
                : " " + o.doubled().subList(0, Math.min(10, o.doubled().size())));
        return new Result(cases, o.expected(), o.lost().size(), o.doubled().size(), acl[0], acl[1]);
      }
    }
  }

  private Case framesLeader(Stack stack, Cluster operator, RecognitionWatch watch)
      throws Exception {
    Topic<?, ?> frames = operator.topics().frames();
    int partition =
        Utils.toPositive(Utils.murmur2(CAMERAS.get(0).getBytes(StandardCharsets.UTF_8)))
            % frames.partitions();
    KafkaNode leader = stack.cluster().leaderOf(frames.name(), partition).orElseThrow();
    long at = System.currentTimeMillis();
    leader.kill();
    out.printf("bench cluster: frames-leader: node %d killed (-9)%n", leader.id());
    Case c = awaitRecovery("frames-leader", at, at, watch);
    restart(stack, leader);
    return c;
  }

  private Case controller(Stack stack, RecognitionWatch watch) throws Exception {
    KafkaNode active = stack.cluster().activeController();
    long at = System.currentTimeMillis();
    active.kill();
    out.printf("bench cluster: controller: node %d killed (-9)%n", active.id());
    Case c = awaitRecovery("controller", at, at, watch);
    restart(stack, active);
    return c;
  }

  private Case registry(Stack stack, RecognitionWatch watch) throws Exception {
    long at = System.currentTimeMillis();
    stack.registry().close();
    out.printf("bench cluster: registry: stopped for %d s%n", options.registryDown().toSeconds());
    Thread.sleep(options.registryDown().toMillis());
    stack.registry().start(Duration.ofMinutes(2));
    long back = System.currentTimeMillis();
    return awaitRecovery("registry", at, back, watch);
  }

  private Case recognizer(Stack stack, RecognitionWatch watch) throws Exception {
    // the busier of the two (frame batches read in 3 s): one that owns a camera's partition
    String[] names = {"recognizer", "recognizer-2"};
    double[] before = new double[2];
    for (int i = 0; i < 2; i++) {
      before[i] = frameBatches(stack, names[i]);
    }
    Thread.sleep(3000);
    int busier = 0;
    double most = -1;
    for (int i = 0; i < 2; i++) {
      double delta = frameBatches(stack, names[i]) - before[i];
      if (delta > most) {
        most = delta;
        busier = i;
      }
    }
    Stack.RunningService r = stack.service(names[busier]).orElseThrow();
    long at = System.currentTimeMillis();
    r.process().kill();
    out.printf(
        "bench cluster: recognizer: %s killed (-9), the busier (%.0f frame batches in 3 s)%n",
        names[busier], most);
    return awaitRecovery("recognizer", at, at, watch);
  }

  /** {@code openmede_recognizer_frame_batches_total} on a recognizer's metrics port; 0 if none. */
  private static double frameBatches(Stack stack, String service) {
    OptionalInt port = stack.metricsPortOf(service);
    if (port.isEmpty()) {
      return 0;
    }
    try {
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + port.getAsInt() + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith("openmede_recognizer_frame_batches_total ")) {
          return Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
        }
      }
    } catch (java.io.IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Every camera recognized for a window captured after {@code faultAt}; survived when within the
   * bound after {@code faultEnd}.
   */
  private Case awaitRecovery(String name, long faultAt, long faultEnd, RecognitionWatch watch)
      throws InterruptedException {
    double worst = 0;
    boolean survived = true;
    long boundMillis = faultEnd - faultAt + options.bound().toMillis();
    for (String camera : CAMERAS) {
      double s = watch.awaitWindowAfter(camera, faultAt, Duration.ofMillis(boundMillis));
      if (s < 0) {
        survived = false;
        worst = Math.max(worst, boundMillis / 1000.0);
      } else {
        worst = Math.max(worst, s);
      }
    }
    out.printf(
        Locale.ROOT,
        "bench cluster: %s: recognition went on after %.1f s (%s)%n",
        name,
        worst,
        survived ? "survived" : "NOT within " + options.bound().toSeconds() + " s");
    Thread.sleep(options.settle().toMillis());
    return new Case(name, worst, survived);
  }

  private void restart(Stack stack, KafkaNode node) throws Exception {
    node.start();
    node.awaitStarted(Duration.ofMinutes(2));
    stack.cluster().awaitNodes(3, Duration.ofMinutes(2));
    out.printf("bench cluster: node %d back%n", node.id());
  }

  /** The camera's user writing to every project topic but frames: {refused, tried}. */
  private int[] cameraRefusedElsewhere(Stack stack) {
    Cluster camera = stack.clusterAs(stack.connection(Role.CAMERA));
    Map<String, Object> config = new HashMap<>(camera.clientConfig());
    config.put("max.block.ms", 15_000);
    config.put("delivery.timeout.ms", 15_000);
    config.put("request.timeout.ms", 10_000);
    int refused = 0;
    int tried = 0;
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Topic<?, ?> t : camera.topics().all()) {
        if (t.name().equals(camera.topics().frames().name())) {
          continue;
        }
        tried++;
        try {
          p.send(new ProducerRecord<>(t.name(), new byte[] {1}, new byte[] {0})).get();
          out.println("bench cluster: acl: the camera WROTE to " + t.name());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AuthorizationException) {
            refused++;
          } else {
            out.println("bench cluster: acl: " + t.name() + ": " + e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    out.printf("bench cluster: acl: the camera refused on %d of %d other topics%n", refused, tried);
    return new int[] {refused, tried};
  }
}
