package io.openmede.bench.faults;

import io.openmede.embedded.LoopbackPorts;
import io.openmede.recognizer.process.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The campaign's other services, each in a JVM of its own started through its real command ({@link
 * ServiceProcess}): the events service, the labeler and the trainer, each with its state and log in
 * the work directory and its health and metrics on a free port. Used from the campaign's thread.
 */
final class ServiceInstances implements AutoCloseable {

  /** Heap of each service process. */
  static final String MAX_HEAP = "512m";

  /** One service: its command, its settings, its metrics port and, while it runs, its process. */
  static final class Service {
    final String name;
    final String command;
    final Map<String, String> settings;
    final int port;
    final Path log;
    private ChildJvm jvm;

    Service(String name, String command, Map<String, String> settings, int port, Path log) {
      this.name = name;
      this.command = command;
      this.settings = settings;
      this.port = port;
      this.log = log;
    }

    boolean alive() {
      return jvm != null && jvm.alive();
    }

    long pid() {
      return jvm.pid();
    }

    /** Starts the process (it is not waited for: see {@link #awaitReady}). */
    void start() throws IOException, InterruptedException {
      List<String> args = new ArrayList<>();
      args.add(command);
      settings.forEach(
          (k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
          });
      jvm =
          ChildJvm.start(
              name,
              ServiceProcess.class.getName(),
              args,
              MAX_HEAP,
              log,
              Optional.empty(),
              Duration.ZERO);
    }

    /** SIGTERM, then {@code kill -9} after 30 s. */
    void stop() throws InterruptedException {
      if (jvm != null) {
        jvm.close();
      }
    }

    /**
     * Waits until {@code /health/live} answers 200 (the process serves; ready may wait on the
     * registry); false when the process died or {@code within} passed.
     */
    boolean awaitLive(Duration within) throws InterruptedException {
      return awaitHealth("live", within);
    }

    /** Waits until {@code /health/ready} answers 200; false when it died or within passed. */
    boolean awaitReady(Duration within) throws InterruptedException {
      return awaitHealth("ready", within);
    }

    private boolean awaitHealth(String which, Duration within) throws InterruptedException {
      long end = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < end && alive()) {
        if (HealthProbe.status(port, "/health/" + which, Duration.ofSeconds(2)) == 200) {
          return true;
        }
        Thread.sleep(250);
      }
      return false;
    }
  }

  /** Plain GETs on the services' ports. */
  static final class HealthProbe {
    private static final HttpClient HTTP =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HealthProbe() {}

    /** The status of {@code GET path} on the loopback port, or -1 when it did not answer. */
    static int status(int port, String path, Duration timeout) throws InterruptedException {
      try {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(timeout)
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
      } catch (IOException e) {
        return -1;
      }
    }
  }

  private final Map<String, Service> services = new LinkedHashMap<>();

  /** Adds a service (not started) with a metrics port of its own given by {@code portSetting}. */
  Service add(
      String name, String command, Map<String, String> settings, String portSetting, Path work)
      throws IOException {
    Map<String, String> values = new LinkedHashMap<>(settings);
    int port = LoopbackPorts.free();
    values.put(portSetting, Integer.toString(port));
    Service s = new Service(name, command, values, port, work.resolve(name + ".log"));
    services.put(name, s);
    return s;
  }

  Service get(String name) {
    return services.get(name);
  }

  List<Service> all() {
    return List.copyOf(services.values());
  }

  boolean allAlive() {
    return services.values().stream().allMatch(Service::alive);
  }

  @Override
  public void close() throws InterruptedException {
    for (Service s : services.values()) {
      s.stop();
    }
  }
}
