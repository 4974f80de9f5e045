package io.openmede.bench.faults;

import io.openmede.bench.faults.RecognizerInstances.Instance;

/**
 * {@code kill -9} of one of the recognizers: survived when the others take its partitions over and
 * every stream is recognized again within the bound.
 */
final class RecognizerKill implements FaultCase {

  private long killedAt;

  @Override
  public String name() {
    return "kill -9 of a recognizer";
  }

  @Override
  public void inject(FaultRig rig) throws InterruptedException {
    killedAt = System.nanoTime();
    Instance victim = rig.recognizers().killLast();
    rig.progress.line(
        "killed recognizer %s (pid %d) with kill -9; %s takes its partitions over",
        victim.process().name(),
        victim.process().pid(),
        rig.recognizers().live().stream().map(i -> i.process().name()).toList());
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    return Verdict.of(name(), rig.recovery().recovered(killedAt, "since the kill"));
  }
}
