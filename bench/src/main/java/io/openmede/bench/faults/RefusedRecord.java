package io.openmede.bench.faults;

import io.openmede.bench.faults.RecognizerInstances.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A record the recognizers must refuse: survived when every live recognizer's refusal counter
 * ({@code openmede_recognizer_<counter>_refused_total}) went up within {@link
 * FaultCase#REFUSAL_WAIT}, every recognizer still running.
 */
final class RefusedRecord implements FaultCase {

  private final String name;
  private final String counter;
  private final RecordSender.Send send;
  private final Supplier<String> note;
  private final List<Map<String, Double>> before = new ArrayList<>();
  private long sentAt;

  /** {@code counter}: {@code vocabulary} or {@code checkpoints}. */
  RefusedRecord(String name, String counter, RecordSender.Send send) {
    this(name, counter, send, () -> "");
  }

  /** {@code note}, if not empty after the sending, goes in front of the verdict. */
  RefusedRecord(String name, String counter, RecordSender.Send send, Supplier<String> note) {
    this.name = name;
    this.counter = counter;
    this.send = send;
    this.note = note;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    for (Instance i : rig.recognizers().live()) {
      before.add(rig.recognizers().refusals(i, counter));
    }
    sentAt = System.nanoTime();
    send.run();
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    List<Instance> instances = rig.recognizers().live();
    String prefix = note.get().isEmpty() ? "" : note.get() + "; ";
    long end = sentAt + REFUSAL_WAIT.toNanos();
    while (true) {
      List<String> reasons = new ArrayList<>();
      for (int k = 0; k < instances.size(); k++) {
        Map<String, Double> now = rig.recognizers().refusals(instances.get(k), counter);
        for (Map.Entry<String, Double> e : now.entrySet()) {
          if (e.getValue() > before.get(k).getOrDefault(e.getKey(), 0.0)) {
            reasons.add(e.getKey());
            break;
          }
        }
      }
      if (reasons.size() == instances.size()) {
        return new Verdict(
            name,
            rig.recognizers().allAlive(),
            String.format(
                Locale.ROOT,
                "%srefused by %d/%d recognizers in %.1f s, reason %s",
                prefix,
                reasons.size(),
                instances.size(),
                (System.nanoTime() - sentAt) / 1e9,
                String.join("/", new TreeSet<>(reasons))));
      }
      if (System.nanoTime() > end) {
        return new Verdict(
            name,
            false,
            prefix
                + "refused by "
                + reasons.size()
                + "/"
                + instances.size()
                + " recognizers within "
                + REFUSAL_WAIT.toSeconds()
                + " s");
      }
      Thread.sleep(200);
    }
  }
}
