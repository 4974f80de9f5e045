package io.openmede.cli.demo;

import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.Topic;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Prints one line for each record committed to a topic from now on, formatted by the caller. Reads
 * every partition from its end as it was when constructed (a record committed while the printer
 * starts is not missed, and a restarted demo does not print the old ones); a tombstone is skipped,
 * an unreadable record gets a line saying so and where it is. Runs on its own thread until closed.
 */
final class TopicPrinter<V> implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<V> values;
  private final Function<V, String> format;
  private final String what;
  private final Duration poll;
  private final Thread thread;
  private final PrintStream out;
  private volatile boolean stopping;

  /**
   * @param what the records' name in its messages, e.g. {@code "clip"}
   * @param poll how long one poll waits: how late a line may be
   */
  TopicPrinter(
      Cluster cluster,
      Topic<?, V> topic,
      String what,
      Duration poll,
      Function<V, String> format,
      PrintStream out) {
    Map<String, Object> config = cluster.consumerConfig("openmede-demo-" + what + "-printer");
    config.remove("group.id");
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.values = topic.valueSerde().deserializer();
    List<TopicPartition> parts =
        consumer.partitionsFor(topic.name()).stream()
            .map(p -> new TopicPartition(topic.name(), p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // the end now, not at the first poll
    this.what = what;
    this.poll = poll;
    this.format = format;
    this.out = out;
    this.thread = new Thread(this::loop, "demo-" + what + "-printer");
    this.thread.setDaemon(true);
  }

  TopicPrinter<V> start() {
    thread.start();
    return this;
  }

  private void loop() {
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(poll)) {
          if (r.value() != null) {
            out.println(text(r));
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      out.println("demo: " + what + " printer stopped: " + e.getMessage());
    } finally {
      consumer.close();
    }
  }

  private String text(ConsumerRecord<byte[], byte[]> r) {
    try {
      return format.apply(values.deserialize(r.topic(), r.value()));
    } catch (RuntimeException e) {
      return "demo: (skipped an unreadable "
          + what
          + " record at "
          + r.topic()
          + "-"
          + r.partition()
          + "@"
          + r.offset()
          + ": "
          + e.getMessage()
          + ")";
    }
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
