package io.openmede.bench.faults;

import io.openmede.bench.faults.RecognizerInstances.Instance;
import java.time.Duration;
import java.util.List;
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
  static FaultCampaign.Result finish(FaultRig rig, List<Verdict> verdicts) throws Exception {
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
        windows.deadLettered());
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
