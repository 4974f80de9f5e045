package io.openmede.bench.faults;

import io.openmede.bench.faults.ServiceInstances.Service;
import io.openmede.schemas.avro.DeadLetter;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A bad record for one of the campaign's other services (events, labeler, trainer): survived when
 * the service refused it with a reason, as a dead letter of that very record (its topic, partition
 * and offset), within {@link FaultCase#REFUSAL_WAIT}, and every service still runs. The verdict
 * says whether the service's refusal counter went up too.
 */
final class ServiceRefusal implements FaultCase {

  private final String name;
  private final String service;
  private final String topic;
  private final String counter;
  private final RecordSender.Placed send;
  private double countedBefore;
  private long sentAt;
  private RecordMetadata placed;

  /**
   * @param service the service that must refuse it, as {@link ServiceInstances} names it
   * @param topic the topic the record is sent to (the dead letter's source topic)
   * @param counter the service's refusal counter ({@code _total} included), for the verdict
   */
  ServiceRefusal(
      String name, String service, String topic, String counter, RecordSender.Placed send) {
    this.name = name;
    this.service = service;
    this.topic = topic;
    this.counter = counter;
    this.send = send;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void inject(FaultRig rig) throws Exception {
    Service s = rig.services().get(service);
    countedBefore = rig.metrics.sum(s.port, counter);
    sentAt = System.nanoTime();
    placed = send.run();
  }

  @Override
  public Verdict check(FaultRig rig) throws InterruptedException {
    Service s = rig.services().get(service);
    long end = sentAt + REFUSAL_WAIT.toNanos();
    while (System.nanoTime() < end) {
      Optional<DeadLetter> dead =
          rig.ledger.deadLettersFrom(topic).stream()
              .filter(
                  d ->
                      d.getPartition() != null
                          && d.getOffset() != null
                          && d.getPartition() == placed.partition()
                          && d.getOffset() == placed.offset())
              .findFirst();
      if (dead.isPresent()) {
        double counted = rig.metrics.sum(s.port, counter) - countedBefore;
        String how =
            "dead-lettered"
                + (counted > 0 ? " and counted by " + counter : "")
                + ": "
                + shorten(dead.get().getError());
        boolean alive = rig.allServicesAlive();
        return new Verdict(
            name,
            alive,
            String.format(
                    Locale.ROOT,
                    "refused by %s in %.1f s, %s",
                    service,
                    (System.nanoTime() - sentAt) / 1e9,
                    how)
                + (alive ? "" : "; a service died"));
      }
      Thread.sleep(200);
    }
    return new Verdict(
        name,
        false,
        "no dead letter of "
            + topic
            + "-"
            + placed.partition()
            + "@"
            + placed.offset()
            + " within "
            + REFUSAL_WAIT.toSeconds()
            + " s"
            + (s.alive() ? "" : "; " + service + " died"));
  }

  static String shorten(String s) {
    String one = String.valueOf(s).replaceAll("\\s+", " ");
    return one.length() <= 140 ? one : one.substring(0, 137) + "...";
  }
}
