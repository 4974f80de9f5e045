package io.openmede.bench.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Slow clients on every port: {@value #HALF_OPEN} connections to each health, metrics and page
 * port, each having sent the start of a request head and then nothing, held while {@code
 * /health/live} of the same port is asked for; survived when every port answered 200 within {@link
 * #BOUND} and every service still runs.
 */
final class SlowClients implements FaultCase {

  /** Half-open connections held on each port. */
  static final int HALF_OPEN = 192;

  /** How soon {@code /health/live} must answer while they are held. */
  static final Duration BOUND = Duration.ofSeconds(1);

  private final Supplier<Map<String, Integer>> ports;
  private final Map<String, String> answers = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  /** {@code ports}: the ports by what serves them, read at the injection. */
  SlowClients(Supplier<Map<String, Integer>> ports) {
    this.ports = ports;
  }

  @Override
  public String name() {
    return HALF_OPEN + " half-open connections on every port while /health/live is asked";
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    for (Map.Entry<String, Integer> e : ports.get().entrySet()) {
      List<Socket> held = new ArrayList<>();
      try {
        for (int k = 0; k < HALF_OPEN; k++) {
          held.add(halfOpen(e.getValue()));
        }
        Thread.sleep(200);
        long t0 = System.nanoTime();
        int status =
            ServiceInstances.HealthProbe.status(
                e.getValue(), "/health/live", Duration.ofSeconds(5));
        double ms = (System.nanoTime() - t0) / 1e6;
        rig.healthAnswered(ms);
        String answer = String.format(Locale.ROOT, "%d in %.0f ms", status, ms);
        answers.put(e.getKey() + " :" + e.getValue(), answer);
        rig.progress.line(
            "  %s :%d with %d half-open connections: /health/live %s",
            e.getKey(), e.getValue(), held.size(), answer);
        if (status != 200 || ms > BOUND.toMillis()) {
          failures.add(e.getKey() + " " + answer);
        }
      } catch (IOException refused) {
        failures.add(e.getKey() + ": " + refused.getMessage());
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  /** A connection that sent the start of a request head and nothing more. */
  private static Socket halfOpen(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    OutputStream out = s.getOutputStream();
    out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  @Override
  public Verdict check(FaultRig rig) {
    boolean alive = rig.allServicesAlive();
    Optional<String> failure =
        failures.isEmpty()
            ? (alive ? Optional.empty() : Optional.of("a service died"))
            : Optional.of("slow or failed: " + String.join(", ", failures));
    return failure.isPresent()
        ? new Verdict(name(), false, failure.get())
        : new Verdict(name(), true, "/health/live within " + BOUND.toMillis() + " ms: " + answers);
  }
}
