package io.openmede.bench.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Faults run one after another under one heading, each injected then checked. With {@code
 * recognizingAfter}, recognition must go on after the last of them (every stream recognized again
 * within the bound, every recognizer alive), or every fault of the group counts as not survived: a
 * bad record that stalls recognition was not survived, refused or not.
 *
 * @param recognizingAfter what the group sent, for "after the bad ... records"
 */
record FaultGroup(
    String heading,
    List<FaultCase> cases,
    Optional<String> recognizingAfter,
    Optional<GoesOn> goesOn)
    implements FaultPlan.Step {

  /**
   * What another service must still do after the group's faults (a rule opens an episode, feedback
   * becomes a clip): empty when it did within the bound, else what went wrong.
   */
  @FunctionalInterface
  interface GoesOn {
    Optional<String> check(FaultRig rig, long afterNanos) throws Exception;
  }

  /** One fault under its heading, judged by its own check. */
  static FaultGroup of(String heading, FaultCase fault) {
    return new FaultGroup(heading, List.of(fault), Optional.empty(), Optional.empty());
  }

  /** Bad records on {@code topic}; recognition must go on after them. */
  static FaultGroup badInput(String topic, String records, List<FaultCase> cases) {
    return new FaultGroup("bad input on " + topic, cases, Optional.of(records), Optional.empty());
  }

  /**
   * Bad records for another service; recognition must go on after them, and what {@code goesOn}
   * checks.
   */
  static FaultGroup badInput(String topic, String records, List<FaultCase> cases, GoesOn goesOn) {
    return new FaultGroup(
        "bad input on " + topic, cases, Optional.of(records), Optional.of(goesOn));
  }

  @Override
  public List<Verdict> run(FaultRig rig) throws Exception {
    rig.progress.header(heading);
    List<Verdict> verdicts = new ArrayList<>();
    for (FaultCase fault : cases) {
      fault.inject(rig);
      Verdict v = fault.check(rig);
      rig.progress.verdict(v);
      verdicts.add(v);
    }
    long after = System.nanoTime();
    if (goesOn.isPresent()) {
      Optional<String> stuck = goesOn.get().check(rig, after);
      if (stuck.isPresent()) {
        verdicts.replaceAll(v -> v.failed(stuck.get()));
      }
    }
    if (recognizingAfter.isPresent()) {
      Optional<String> late =
          rig.recovery()
              .recovered(System.nanoTime(), "after the bad " + recognizingAfter.get() + " records");
      if (late.isPresent()) {
        verdicts.replaceAll(v -> v.failed(late.get()));
      }
    }
    return verdicts;
  }
}
