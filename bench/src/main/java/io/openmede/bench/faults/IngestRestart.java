package io.openmede.bench.faults;

import java.util.Map;

/**
 * {@code openmede ingest synthetic} stopped (SIGTERM) and started again 3 s later: survived when
 * every stream is recognized again within the bound; the recognizers' duplicate and late counters
 * over the restart are printed (a restarted ingest must number on above its previous run).
 */
final class IngestRestart implements FaultCase {

  private static final String DUPLICATES = "openmede_recognizer_duplicate_batches_total";
  private static final String LATE = "openmede_recognizer_late_frames_total";

  private Map<String, Double> duplicatesBefore;
  private Map<String, Double> lateBefore;
  private long restartedAt;

  @Override
  public String name() {
    return "ingest restart";
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    IngestProcess ingest = rig.sources().ingest().orElseThrow();
    long framesRead = rig.ledger.ingest().framesRead(IngestProcess.STREAM);
    ingest.close();
    rig.progress.line(
        "stopped 'openmede ingest synthetic' (SIGTERM, pid %d) after %d frames of %s; starting it"
            + " again in 3 s",
        ingest.pid(), framesRead, IngestProcess.STREAM);
    duplicatesBefore = rig.recognizers().sum(DUPLICATES);
    lateBefore = rig.recognizers().sum(LATE);
    Thread.sleep(3000);
    restartedAt = System.nanoTime();
    rig.sources().replaceIngest(rig.sources().startIngest(2));
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    Verdict v =
        Verdict.of(name(), rig.recovery().recovered(restartedAt, "since ingest started again"));
    rig.progress.line(
        "since the restart the recognizers counted %.0f duplicate frame batches and %.0f late"
            + " frames (a restarted ingest must number on above its previous run)",
        since(rig, DUPLICATES, duplicatesBefore), since(rig, LATE, lateBefore));
    return v;
  }

  private static double since(FaultRig rig, String counter, Map<String, Double> before) {
    return rig.recognizers().sum(counter).getOrDefault("", 0.0) - before.getOrDefault("", 0.0);
  }
}
