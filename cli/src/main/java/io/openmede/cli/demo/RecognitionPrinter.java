package io.openmede.cli.demo;

import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Prints recognitions as they are committed, one line each: stream, top label, probability, cosine,
 * model version. Reads from the end of the topic; runs on its own thread until closed.
 */
final class RecognitionPrinter implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final org.apache.kafka.common.serialization.Deserializer<Recognition> values;
  private final Thread thread;
  private final PrintStream out;
  private volatile boolean stopping;

  RecognitionPrinter(Cluster cluster, PrintStream out) {
    Map<String, Object> config =
        cluster.consumerConfig("openmede-demo-printer-" + System.nanoTime());
    config.put("auto.offset.reset", "latest");
    this.consumer =
        new KafkaConsumer<>(
            config,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    this.values = cluster.topics().recognitions().valueSerde().deserializer();
    this.consumer.subscribe(List.of(cluster.topics().recognitions().name()));
    this.out = out;
    this.thread = new Thread(this::loop, "demo-recognition-printer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          if (r.value() == null) {
            continue;
          }
          String text;
          try {
            text = line(values.deserialize(r.topic(), r.value()));
          } catch (RuntimeException e) {
            text =
                "(skipped an unreadable recognition at "
                    + r.topic()
                    + "-"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + ": "
                    + e.getMessage()
                    + ")";
          }
          out.println(text);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      out.println("recognition printer stopped: " + e.getMessage());
    } finally {
      consumer.close();
    }
  }

  static String line(Recognition r) {
    if (r.getTop().isEmpty()) {
      return String.format(
          Locale.ROOT, "%-14s (no labels)  model %s", r.getStreamId(), r.getModelVersion());
    }
    LabelScore top = r.getTop().get(0);
    // a window where no label reached its threshold says so; its closest label follows in ()
    String label = r.getUnknown() ? "nothing recognized (" + top.getLabel() + ")" : top.getLabel();
    String score =
        top.getCalibrated() == null
            ? ""
            : String.format(Locale.ROOT, " score=%.2f", top.getCalibrated());
    return String.format(
        Locale.ROOT,
        "%-14s %-28s p=%.2f%s cos=%.3f  frames %d-%d  model %s  vocab v%d  %.0f ms",
        r.getStreamId(),
        label,
        top.getProbability(),
        score,
        top.getCosine(),
        r.getFirstSequence(),
        r.getLastSequence(),
        r.getModelVersion(),
        r.getVocabularyVersion(),
        r.getProcessingLatencyMs());
  }

  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
