package io.openmede.bench.faults;

/**
 * The broker stopped (SIGTERM), down for {@code --broker-down}, started again on the same ports and
 * data: survived when every stream is recognized again within the bound of its return.
 */
final class BrokerRestart implements FaultCase {

  private double droppedBefore;
  private long back;

  @Override
  public String name() {
    return "broker restart";
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    droppedBefore = ingestDropped(rig);
    long t0 = System.nanoTime();
    rig.broker.stop();
    rig.progress.line(
        "broker stopped (SIGTERM) in %.1f s; down for %d s",
        (System.nanoTime() - t0) / 1e9, rig.options.brokerDown().toSeconds());
    Thread.sleep(rig.options.brokerDown().toMillis());
    long t1 = System.nanoTime();
    rig.broker.startAgain();
    back = System.nanoTime();
    rig.progress.line(
        "broker started again on the same ports and data in %.1f s (%s)",
        (back - t1) / 1e9, rig.broker.bootstrapServers());
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    Verdict v = Verdict.of(name(), rig.recovery().recovered(back, "since the broker was back"));
    if (rig.sources().ingest().isPresent()) {
      rig.progress.line(
          "ingest dropped %.0f frames of %s meanwhile (a live source drops what it cannot send;"
              + " the recognizer starts a new window after the gap)",
          ingestDropped(rig) - droppedBefore, IngestProcess.STREAM);
    }
    return v;
  }

  private static double ingestDropped(FaultRig rig) {
    return rig.sources().ingest().map(IngestProcess::dropped).orElse(0.0);
  }
}
