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
record FaultGroup(String heading, List<FaultCase> cases, Optional<String> recognizingAfter)
    implements FaultPlan.Step {

  /** One fault under its heading, judged by its own check. */
  static FaultGroup of(String heading, FaultCase fault) {
    return new FaultGroup(heading, List.of(fault), Optional.empty());
  }

  /** Bad records on {@code topic}; recognition must go on after them. */
  static FaultGroup badInput(String topic, String records, List<FaultCase> cases) {
    return new FaultGroup("bad input on " + topic, cases, Optional.of(records));
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
