package io.openmede.cli.demo;

import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.ClipStatus;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Prints each episode's clip as its record is committed, one line each: {@code demo: clip of
 * EVENT_ID: frames, seconds, bytes, file} (or why there is none). Reads the clips topic from its
 * end as it was when constructed (so a clip made while the printer starts is not missed, and a
 * restarted demo does not print the old ones); runs on its own thread until closed.
 */
final class ClipPrinter implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<ClipMade> values;
  private final Path dir;
  private final Thread thread;
  private final PrintStream out;
  private volatile boolean stopping;

  /**
   * @param dir the clip store's directory, to print where a clip's file is
   */
  ClipPrinter(Cluster cluster, Path dir, PrintStream out) {
    Map<String, Object> config = cluster.consumerConfig("openmede-demo-clip-printer");
    config.remove("group.id");
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.values = cluster.topics().clips().valueSerde().deserializer();
    String topic = cluster.topics().clips().name();
    List<TopicPartition> parts =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // the end now, not at the first poll
    this.dir = dir;
    this.out = out;
    this.thread = new Thread(this::loop, "demo-clip-printer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            continue; // a deleted clip
          }
          String text;
          try {
            text = line(values.deserialize(r.topic(), r.value()), dir);
          } catch (RuntimeException e) {
            text =
                "demo: (skipped an unreadable clip record at "
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
      out.println("demo: clip printer stopped: " + e.getMessage());
    } finally {
      consumer.close();
    }
  }

  static String line(ClipMade c, Path dir) {
    if (c.getStatus() != ClipStatus.MADE) {
      return "demo: no clip of " + c.getEventId() + " (" + c.getStatus() + "): " + c.getReason();
    }
    String uri = c.getUri();
    String file = uri.startsWith("clips:") ? dir.resolve(uri.substring(6)).toString() : uri;
    return String.format(
        Locale.ROOT,
        "demo: clip of %s: %d frames, %.1f s, %d bytes, %s (openmede events clip %s --out FILE)",
        c.getEventId(),
        c.getFrames(),
        c.getDurationMillis() / 1000.0,
        c.getSizeBytes(),
        file,
        c.getEventId());
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
