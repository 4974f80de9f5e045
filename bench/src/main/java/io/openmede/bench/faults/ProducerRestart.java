package io.openmede.bench.faults;

/**
 * Without an ingest process (the launcher not on the class path): the campaign's cameras stop
 * (producer closed) and start again 3 s later with a new producer from their next batch; survived
 * when every stream is recognized again within the bound.
 */
final class ProducerRestart implements FaultCase {

  private long restartedAt;

  @Override
  public String name() {
    return "frame producer restart";
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    rig.progress.line(
        "the campaign's synthetic cameras stop (producer closed) and start again with a new"
            + " producer, going on from their next batch");
    CameraFeed feed = rig.sources().feed();
    feed.close();
    Thread.sleep(3000);
    restartedAt = System.nanoTime();
    rig.sources().replaceFeed(rig.sources().newFeed("2", feed.nextBatch()));
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    return Verdict.of(
        name(), rig.recovery().recovered(restartedAt, "since the producer restarted"));
  }
}
