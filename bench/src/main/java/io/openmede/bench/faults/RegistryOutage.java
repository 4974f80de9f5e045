package io.openmede.bench.faults;

import io.openmede.bench.faults.RecognizerInstances.Instance;
import io.openmede.schemas.avro.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The schema registry stopped for {@link #DOWN}, while a recognizer and the events service are
 * restarted (fresh JVMs: no schema cached): survived when, once it is back, every stream is
 * recognized again and every rule opens episodes again within the bound, every service runs, and no
 * record was dead-lettered from the moment it stopped (the campaign sends no bad record then).
 */
final class RegistryOutage implements FaultCase {

  static final Duration DOWN = Duration.ofSeconds(30);

  private long stoppedAt;
  private long backAt;
  private int deadBefore;
  private final List<String> restarts = new ArrayList<>();
  private Optional<String> failedRestart = Optional.empty();
  private int repeats;

  @Override
  public String name() {
    return "schema registry stopped "
        + DOWN.toSeconds()
        + " s across a restart of a recognizer"
        + " and the events service";
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    deadBefore = rig.ledger.deadLetters().size();
    stoppedAt = System.nanoTime();
    rig.registry().stop();
    rig.progress.line("registry stopped; restarting recognizer-1 and the events service");
    Instance first = rig.recognizers().live().get(0);
    CompletableFuture<Void> recognizer =
        CompletableFuture.runAsync(
            () -> {
              try {
                long t0 = System.nanoTime();
                Instance again = rig.recognizers().restart(first);
                rig.heap().watch(again.process().name(), again.process().pid());
                restarts.add(
                    String.format(
                        Locale.ROOT,
                        "%s running again in %.1f s",
                        again.process().name(),
                        (System.nanoTime() - t0) / 1e9));
              } catch (Exception e) {
                failedRestart = Optional.of("recognizer restart failed: " + e.getMessage());
              }
            });
    ServiceInstances.Service events = rig.services().get(EventsFaults.SERVICE);
    events.stop();
    events.start();
    rig.heap().watch(events.name, events.pid());
    boolean live = events.awaitLive(DOWN);
    restarts.add("events service " + (live ? "live" : "NOT live") + " while the registry is away");
    long left = stoppedAt + DOWN.toNanos() - System.nanoTime();
    if (left > 0) {
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
    }
    rig.registry().startAgain();
    backAt = System.nanoTime();
    rig.progress.line(
        "registry back after %.1f s; %s", (backAt - stoppedAt) / 1e9, String.join(", ", restarts));
    recognizer.get(200, TimeUnit.SECONDS);
    rig.progress.line("%s", String.join(", ", restarts));
  }

  @Override
  public Verdict check(FaultRig rig) throws Exception {
    List<String> wrong = new ArrayList<>();
    failedRestart.ifPresent(wrong::add);
    rig.recovery().recovered(backAt, "after the registry came back").ifPresent(wrong::add);
    EventsFaults.everyRuleOpensAgain(rig, backAt).ifPresent(wrong::add);
    List<DeadLetter> dead = rig.ledger.deadLetters();
    List<DeadLetter> since =
        newlyDeadLettered(dead.subList(0, deadBefore), dead.subList(deadBefore, dead.size()));
    repeats = dead.size() - deadBefore - since.size();
    if (!since.isEmpty()) {
      wrong.add(
          since.size()
              + " records dead-lettered since the registry stopped, the first from "
              + since.get(0).getSourceTopic()
              + ": "
              + ServiceRefusal.shorten(since.get(0).getError()));
    }
    if (!rig.allServicesAlive()) {
      wrong.add("a service died");
    }
    return wrong.isEmpty()
        ? new Verdict(
            name(),
            true,
            String.format(
                Locale.ROOT,
                "down %.1f s; no record dead-lettered since (%d repeated refusals of bad records"
                    + " sent before, read again by the restarted services); every stream"
                    + " recognized and every rule opening again",
                (backAt - stoppedAt) / 1e9,
                repeats))
        : new Verdict(name(), false, String.join("; ", wrong));
  }

  /**
   * The dead letters of {@code after} whose record (topic, partition, offset) is not among those of
   * {@code before}: a restarted service that reads a control topic from its start refuses the bad
   * records sent before once more; those are repeats, not records lost to the outage.
   */
  static List<DeadLetter> newlyDeadLettered(List<DeadLetter> before, List<DeadLetter> after) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (DeadLetter d : before) {
      seen.add(place(d));
    }
    List<DeadLetter> out = new ArrayList<>();
    for (DeadLetter d : after) {
      if (d.getOffset() == null || !seen.contains(place(d))) {
        out.add(d);
      }
    }
    return out;
  }

  private static String place(DeadLetter d) {
    return d.getSourceTopic() + "-" + d.getPartition() + "@" + d.getOffset();
  }
}
