package io.openmede.bench.faults;

import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.bench.recognizer.SyntheticFrameBatches;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.topic.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The campaign's synthetic cameras: one frame batch (one window) per camera every period, on a
 * thread of their own; each batch's send time and acknowledgement go in the ledger.
 */
final class CameraFeed implements AutoCloseable {

  private final Cluster cluster;
  private final List<List<FrameBatch>> templates;
  private final double batchesPerSecond;
  private final Ledger ledger;
  private final KafkaProducer<String, FrameBatch> producer;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong next;
  private final Thread thread;

  /**
   * Starts sending, from batch {@code firstBatch} on, the {@code templates} renumbered (one list of
   * batches per camera, sent round and round).
   */
  CameraFeed(
      String generation,
      long firstBatch,
      Cluster cluster,
      List<List<FrameBatch>> templates,
      double batchesPerSecond,
      Ledger ledger) {
    this.cluster = cluster;
    this.templates = templates;
    this.batchesPerSecond = batchesPerSecond;
    this.ledger = ledger;
    producer =
        new KafkaProducer<>(
            TopicReaders.quiet(cluster.producerConfig("faults-cameras-" + generation)),
            new StringSerializer(),
            cluster.topics().frames().valueSerde().serializer());
    next = new AtomicLong(firstBatch);
    thread = new Thread(this::loop, "faults-cameras-" + generation);
    thread.setDaemon(true);
    thread.start();
  }

  /** The batch number it sends next. */
  long nextBatch() {
    return next.get();
  }

  private void loop() {
    long period = (long) (1e9 / batchesPerSecond);
    long due = System.nanoTime();
    String topic = cluster.topics().frames().name();
    while (running.get()) {
      long b = next.get();
      for (List<FrameBatch> camera : templates) {
        FrameBatch batch =
            SyntheticFrameBatches.renumbered(camera.get((int) (b % camera.size())), b);
        String stream = batch.getStreamId();
        ledger.sent(
            new WindowKey(stream, batch.getFrames().get(0).getSequence()), System.nanoTime());
        producer.send(
            new ProducerRecord<>(topic, stream, batch),
            (meta, e) -> {
              if (e == null) {
                ledger.acknowledged(stream, b);
              } else {
                ledger.failedSend();
              }
            });
      }
      next.incrementAndGet();
      due += period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Stops sending; every batch handed to the producer is delivered or failed before it returns. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
    producer.close(Duration.ofMinutes(2));
  }
}
