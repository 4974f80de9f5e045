package io.openmede.bench.faults;

import io.openmede.embedded.LoopbackPorts;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.process.RecognizerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The campaign's recognizer processes ({@code recognizer-1 ..}), each with its state, checkpoint
 * cache and log in the work directory and its {@code /metrics} on a free port. Used from the
 * campaign's thread.
 */
final class RecognizerInstances implements AutoCloseable {

  /** A recognizer process and the port of its /metrics. */
  record Instance(
      RecognizerProcess process, int metricsPort, Map<String, String> settings, Path log) {}

  private final List<Instance> live = new ArrayList<>();
  private final MetricsScrape metrics;

  private RecognizerInstances(MetricsScrape metrics) {
    this.metrics = metrics;
  }

  /** Starts {@code n} recognizers with the settings {@code base} at once and waits for them. */
  static RecognizerInstances start(
      Map<String, String> base, Path work, int n, MetricsScrape metrics, Progress progress)
      throws Exception {
    RecognizerInstances instances = new RecognizerInstances(metrics);
    List<Thread> starting = new ArrayList<>();
    List<Exception> failures = new CopyOnWriteArrayList<>();
    List<Instance> started = new CopyOnWriteArrayList<>();
    for (int k = 1; k <= n; k++) {
      String name = "recognizer-" + k;
      Map<String, String> values = new LinkedHashMap<>(base);
      Path dir = work.resolve(name);
      values.put(RecognizerSettings.STATE_DIR.name(), dir.resolve("state").toString());
      values.put(RecognizerSettings.CHECKPOINT_CACHE.name(), dir.resolve("ckpt").toString());
      int port = LoopbackPorts.free();
      values.put(RecognizerSettings.METRICS_PORT.name(), Integer.toString(port));
      Path log = work.resolve(name + ".log");
      Thread t =
          new Thread(
              () -> {
                try {
                  long t0 = System.nanoTime();
                  RecognizerProcess p =
                      RecognizerProcess.start(name, values, "768m", log, Duration.ofSeconds(180));
                  started.add(new Instance(p, port, values, log));
                  progress.line(
                      "%s running (pid %d) in %.1f s, metrics on :%d, log %s",
                      name, p.pid(), (System.nanoTime() - t0) / 1e9, port, log);
                } catch (IOException | InterruptedException e) {
                  failures.add(e);
                }
              },
              "faults-start-" + name);
      t.start();
      starting.add(t);
    }
    for (Thread t : starting) {
      t.join();
    }
    instances.live.addAll(started);
    instances.live.sort(Comparator.comparing(i -> i.process().name()));
    if (!failures.isEmpty()) {
      instances.close();
      throw failures.get(0);
    }
    return instances;
  }

  /** The recognizers not killed, by name. */
  List<Instance> live() {
    return live;
  }

  boolean allAlive() {
    return live.stream().allMatch(i -> i.process().alive());
  }

  /** Kills the last recognizer with {@code kill -9}; it is no longer {@linkplain #live live}. */
  Instance killLast() throws InterruptedException {
    Instance victim = live.get(live.size() - 1);
    victim.process().kill();
    live.remove(victim);
    return victim;
  }

  /**
   * Stops {@code i} (SIGTERM) and starts it again with the same settings, state and port, waiting
   * until it runs; it replaces {@code i} among the {@linkplain #live live} ones.
   */
  Instance restart(Instance i) throws IOException, InterruptedException {
    i.process().close();
    RecognizerProcess p =
        RecognizerProcess.start(
            i.process().name(), i.settings(), "768m", i.log(), Duration.ofSeconds(180));
    Instance again = new Instance(p, i.metricsPort(), i.settings(), i.log());
    synchronized (live) {
      live.set(live.indexOf(i), again);
    }
    return again;
  }

  /** The refusal counter {@code vocabulary} or {@code checkpoints} of one recognizer, by reason. */
  Map<String, Double> refusals(Instance i, String counter) {
    return metrics.counter(i.metricsPort(), "openmede_recognizer_" + counter + "_refused_total");
  }

  /** A counter summed over the live recognizers, by reason ("" without one). */
  Map<String, Double> sum(String name) {
    Map<String, Double> m = new TreeMap<>();
    for (Instance i : live) {
      metrics.counter(i.metricsPort(), name).forEach((k, v) -> m.merge(k, v, Double::sum));
    }
    return m;
  }

  @Override
  public void close() throws InterruptedException {
    for (Instance i : live) {
      i.process().close();
    }
  }
}
