package io.openmede.bench.faults;

import io.openmede.bench.faults.RecognizerInstances.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report: the sources stopped, the last windows drained, every window accounted for ({@link
 * WindowReport}), the refusals each recognizer counted, and the verdicts.
 */
final class FaultReport {

  /** Recognitions drain after the last batch at most this long... */
  static final Duration DRAIN = Duration.ofSeconds(60);

  /** ...and not longer than this without a new recognition. */
  static final Duration QUIET = Duration.ofSeconds(15);

  private FaultReport() {}

  /** Stops the sources, drains, accounts, prints and returns the figures. */
  static FaultCampaign.Result finish(FaultRig rig, List<Verdict> verdicts, long faultsBegan)
      throws Exception {
    rig.progress.line(
        "stopping the cameras%s; waiting up to %d s for the last windows",
        rig.sources().ingest().isPresent() ? " and ingest" : "", DRAIN.toSeconds());
    rig.sources().close();
    drain(rig);
    rig.progress.header("accounting");
    WindowReport windows = WindowReport.print(rig);
    for (Instance i : rig.recognizers().live()) {
      rig.progress.line(
          "refusals counted by %s's metrics: vocabulary %s, checkpoints %s",
          i.process().name(),
          rig.recognizers().refusals(i, "vocabulary"),
          rig.recognizers().refusals(i, "checkpoints"));
    }
    Set<String> muted = rig.ledger.mutedSince(rig.faultsEnded());
    rig.progress.line(
        "streams recognized after the last fault: %d of %d%s",
        rig.ledger.streams().size() - muted.size(),
        rig.ledger.streams().size(),
        muted.isEmpty() ? "" : "; muted: " + muted);
    Map<String, EpisodeAccounting.RuleFigures> rules =
        EpisodeAccounting.byRule(rig.ledger.events(), faultsBegan, rig.faultsEnded());
    int rulesMuted = 0;
    int episodesLost = 0;
    int episodesDoubled = 0;
    for (Map.Entry<String, EpisodeAccounting.RuleFigures> e : rules.entrySet()) {
      EpisodeAccounting.RuleFigures f = e.getValue();
      rig.progress.line(
          "  rule %-14s episodes opened %3d (before the faults %d, after %d), closed %3d, lost %d,"
              + " doubled %d, on streams %s%s",
          e.getKey(),
          f.opened(),
          f.openedBefore(),
          f.openedAfter(),
          f.closed(),
          f.lost(),
          f.doubled(),
          f.streams(),
          f.muted() ? "  MUTED" : "");
      rulesMuted += f.muted() ? 1 : 0;
      episodesLost += f.lost();
      episodesDoubled += f.doubled();
    }
    for (var rule : EventsFaults.rules()) {
      if (!rules.containsKey(rule.getName())) {
        rig.progress.line(
            "  rule %-14s no episode: its label '%s' never held (among a window's top labels"
                + " with probability %.2f or more)",
            rule.getName(), rule.getLabel(), rule.getMinProbability());
      }
    }
    rig.progress.line(
        "rules: %d with events, %d muted (opened before the faults, not after); services alive: %s",
        rules.size(), rulesMuted, rig.allServicesAlive());
    rig.heap().sampleAll();
    HeapLedger heap = rig.heap().ledger();
    boolean bounded = true;
    for (Map.Entry<String, HeapLedger.Figures> e : heap.figures().entrySet()) {
      HeapLedger.Figures f = e.getValue();
      double bound = heapBoundMb(e.getKey());
      bounded &= f.maxMb() <= bound;
      rig.progress.line(
          "  heap of %-12s after GC: %d samples, first %.0f MiB, last %.0f MiB, max %.0f MiB"
              + " (bound %.0f MiB: %s)",
          e.getKey(),
          f.samples(),
          f.firstMb(),
          f.lastMb(),
          f.maxMb(),
          bound,
          f.maxMb() <= bound ? "within" : "OVER");
    }
    rig.progress.line(
        "/health/live under %d half-open connections per port: slowest %.0f ms",
        SlowClients.HALF_OPEN, rig.slowestHealthMs());
    int survived = (int) verdicts.stream().filter(Verdict::survived).count();
    rig.progress.line("faults: %d, survived: %d", verdicts.size(), survived);
    for (Verdict v : verdicts) {
      rig.progress.line("  %-13s %s", v.survived() ? "survived" : "NOT SURVIVED", v.fault());
    }
    for (Verdict v : verdicts) {
      if (!v.survived()) {
        rig.progress.line("not survived: %s: %s", v.fault(), v.what());
      }
    }
    return new FaultCampaign.Result(
        verdicts.size(),
        survived,
        windows.outcome().lost().size(),
        windows.outcome().doubled().size(),
        windows.deadLettered(),
        muted.size(),
        rulesMuted,
        episodesLost,
        episodesDoubled,
        heap.maxMb(),
        bounded && !heap.figures().isEmpty(),
        rig.slowestHealthMs());
  }

  /**
   * The bound on a process's heap in use after a collection: three quarters of its {@code -Xmx}
   * (768 MiB for a recognizer, {@value ServiceInstances#MAX_HEAP} for the other services).
   */
  static double heapBoundMb(String process) {
    return process.startsWith("recognizer") ? 0.75 * 768 : 0.75 * 512;
  }

  /**
   * Waits until every expected window is recognized, or no recognition came for {@link #QUIET}
   * (what is missing then stays missing), or {@link #DRAIN} passed.
   */
  private static void drain(FaultRig rig) throws InterruptedException {
    Ledger ledger = rig.ledger;
    long t0 = System.nanoTime();
    long end = t0 + DRAIN.toNanos();
    int count = ledger.seen().size();
    long lastNew = t0;
    while (System.nanoTime() < end) {
      if (FaultAccounting.account(
              ledger.expected(rig.settings.topology().window()),
              ledger.recognizedWindows(),
              Set.of())
          .lost()
          .isEmpty()) {
        break;
      }
      if (ledger.seen().size() != count) {
        count = ledger.seen().size();
        lastNew = System.nanoTime();
      } else if (System.nanoTime() - lastNew > QUIET.toNanos()) {
        rig.progress.line(
            "no recognition for %d s: the windows still missing will not come", QUIET.toSeconds());
        break;
      }
      Thread.sleep(250);
    }
    Thread.sleep(2000); // a duplicate would show up now
    rig.progress.line("drained in %.1f s", (System.nanoTime() - t0) / 1e9);
  }
}
