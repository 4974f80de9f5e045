package io.openmede.platform.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service says about itself: whether it is alive (its core runs) and ready (it does its job
 * now), made of named components that each report their own state.
 *
 * <p>A component is registered with a probe, read at each question; a probe that answers {@link
 * State#DEAD} kills the service for good (death is latched: a core that died does not come back in
 * the same process), as does {@link #fail}. Listeners given to {@link #onDeath} run once, on the
 * thread that noticed, so that a command can log why and exit non-zero.
 *
 * <p>Thread-safe.
 */
public final class Health {
  private static final Logger LOG = LoggerFactory.getLogger(Health.class);

  /** The state of one component. */
  public enum State {
    /** Working. */
    READY,
    /** Alive but not (yet, or for now) doing its job: starting, rebalancing, catching up. */
    NOT_READY,
    /** Stopped for good; the process should exit. */
    DEAD
  }

  /** What one component says. */
  public record Report(State state, String reason) {
    public static Report ready() {
      return new Report(State.READY, "ok");
    }

    public static Report notReady(String reason) {
      return new Report(State.NOT_READY, reason);
    }

    public static Report dead(String reason) {
      return new Report(State.DEAD, reason);
    }
  }

  /** The whole service at one instant: the state and the reason of each component. */
  public record Snapshot(
      String service, boolean live, boolean ready, Map<String, Report> components, Instant at) {
    /** The reasons of the components that are not ready, or of the dead ones when not live. */
    public String reason() {
      List<String> r = new ArrayList<>();
      components.forEach(
          (name, rep) -> {
            if (rep.state() == State.DEAD || (live && rep.state() != State.READY)) {
              r.add(name + ": " + rep.reason());
            }
          });
      return r.isEmpty() ? "ok" : String.join("; ", r);
    }
  }

  private final String service;
  private final Map<String, Supplier<Report>> probes = new LinkedHashMap<>();
  private final Map<String, Report> dead = new LinkedHashMap<>();
  private final List<Consumer<String>> deathListeners = new CopyOnWriteArrayList<>();
  private final List<Health> parts = new CopyOnWriteArrayList<>();
  private boolean announced;

  /**
   * @param service the service's name, as it appears in reasons ("recognizer", "trainer")
   */
  public Health(String service) {
    this.service = service;
  }

  /** The service's name. */
  public String service() {
    return service;
  }

  /** Adds (or replaces) a component whose probe is read at each question. */
  public synchronized Health register(String component, Supplier<Report> probe) {
    probes.put(component, probe);
    return this;
  }

  /**
   * Adds another service's health as a part of this one (the demo: one process, several services):
   * this one is live and ready only when every part is, and dies when a part dies.
   */
  public Health include(Health part) {
    parts.add(part);
    part.onDeath(reason -> markDead(part.service(), reason));
    return this;
  }

  /** Says that a component's core stopped for good; runs the death listeners once. */
  public void fail(String component, String reason) {
    markDead(component, reason);
  }

  private void markDead(String component, String reason) {
    List<Consumer<String>> run;
    String why;
    synchronized (this) {
      dead.putIfAbsent(component, Report.dead(reason));
      if (announced) {
        return;
      }
      announced = true;
      why = component + ": " + reason;
      run = List.copyOf(deathListeners);
    }
    LOG.error("{} is no longer live: {}", service, why);
    for (Consumer<String> l : run) {
      try {
        l.accept(why);
      } catch (RuntimeException e) {
        LOG.warn("a death listener of {} failed", service, e);
      }
    }
  }

  /**
   * Runs {@code listener} with the reason when the service dies (at once if it is dead already).
   */
  public void onDeath(Consumer<String> listener) {
    Optional<String> already;
    synchronized (this) {
      deathListeners.add(listener);
      already =
          announced
              ? dead.entrySet().stream()
                  .findFirst()
                  .map(e -> e.getKey() + ": " + e.getValue().reason())
              : Optional.empty();
    }
    already.ifPresent(listener);
  }

  /** Reads every probe now (which may declare a death) and returns the whole picture. */
  public Snapshot check() {
    Map<String, Supplier<Report>> ps;
    synchronized (this) {
      ps = new LinkedHashMap<>(probes);
    }
    Map<String, Report> reports = new LinkedHashMap<>();
    ps.forEach(
        (name, probe) -> {
          Report r;
          try {
            r = probe.get();
          } catch (RuntimeException e) {
            r = Report.notReady("its probe failed: " + e);
          }
          reports.put(name, r);
          if (r.state() == State.DEAD) {
            markDead(name, r.reason());
          }
        });
    for (Health p : parts) {
      Snapshot s = p.check();
      Report r =
          !s.live()
              ? Report.dead(s.reason())
              : s.ready() ? Report.ready() : Report.notReady(s.reason());
      reports.put(p.service(), r);
    }
    synchronized (this) {
      dead.forEach(reports::put);
    }
    boolean live = reports.values().stream().noneMatch(r -> r.state() == State.DEAD);
    boolean ready = live && reports.values().stream().allMatch(r -> r.state() == State.READY);
    return new Snapshot(service, live, ready, Collections.unmodifiableMap(reports), Instant.now());
  }

  /**
   * Reads the probes every {@code interval} on a daemon thread, so that a core that dies is noticed
   * (and the death listeners run) even when nobody asks; close to stop.
   */
  public AutoCloseable watch(Duration interval) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  if (!check().live()) {
                    return;
                  }
                  Thread.sleep(interval.toMillis());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            service + "-health");
    t.setDaemon(true);
    t.start();
    return t::interrupt;
  }

  /** Whether the service is alive now. */
  public boolean live() {
    return check().live();
  }

  /** Whether the service is ready now. */
  public boolean ready() {
    return check().ready();
  }
}
