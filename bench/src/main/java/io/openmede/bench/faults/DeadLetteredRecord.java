package io.openmede.bench.faults;

import io.openmede.schemas.avro.DeadLetter;
import java.util.List;
import java.util.Locale;

/**
 * A record on the frames topic that no recognizer can read: survived when it reaches the dead
 * letters with a reason within {@link FaultCase#REFUSAL_WAIT}, every recognizer still running.
 */
final class DeadLetteredRecord implements FaultCase {

  private final String name;
  private final RecordSender.Send send;
  private String topic;
  private long before;
  private long sentAt;

  DeadLetteredRecord(String name, RecordSender.Send send) {
    this.name = name;
    this.send = send;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    topic = rig.cluster.topics().frames().name();
    before = rig.ledger.deadLettersFrom(topic).size();
    sentAt = System.nanoTime();
    send.run();
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    long end = sentAt + REFUSAL_WAIT.toNanos();
    while (System.nanoTime() < end) {
      List<DeadLetter> fromFrames = rig.ledger.deadLettersFrom(topic);
      if (fromFrames.size() > before) {
        DeadLetter d = fromFrames.get((int) before);
        boolean withReason = d.getError() != null && !d.getError().isBlank();
        return new Verdict(
            name,
            withReason && rig.recognizers().allAlive(),
            String.format(
                Locale.ROOT,
                "dead-lettered in %.1f s: %s",
                (System.nanoTime() - sentAt) / 1e9,
                shorten(d.getError())));
      }
      Thread.sleep(100);
    }
    return new Verdict(name, false, "no dead letter within " + REFUSAL_WAIT.toSeconds() + " s");
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 160 ? one : one.substring(0, 157) + "...";
  }
}
