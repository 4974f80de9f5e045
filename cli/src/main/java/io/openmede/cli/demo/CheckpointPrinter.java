package io.openmede.cli.demo;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Prints each checkpoint announcement as it is committed, one line each: the trainer's gate outcome
 * ({@code demo: checkpoint V promoted|HELD BACK against S: base 0.583/0.333 n=24 p=0.046; ...}) or
 * an operator's decision. Reads the checkpoints topic from its end as it was when constructed (a
 * restarted demo does not print the old ones); runs on its own thread until closed.
 */
final class CheckpointPrinter implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<CheckpointAnnouncement> values;
  private final Thread thread;
  private final PrintStream out;
  private volatile boolean stopping;

  CheckpointPrinter(Cluster cluster, PrintStream out) {
    Map<String, Object> config = cluster.consumerConfig("openmede-demo-checkpoint-printer");
    config.remove("group.id");
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.values = cluster.topics().checkpoints().valueSerde().deserializer();
    String topic = cluster.topics().checkpoints().name();
    List<TopicPartition> parts =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // the end now, not at the first poll
    this.out = out;
    this.thread = new Thread(this::loop, "demo-checkpoint-printer");
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
            continue;
          }
          String text;
          try {
            text = line(values.deserialize(r.topic(), r.value()));
          } catch (RuntimeException e) {
            text =
                "demo: (skipped an unreadable checkpoint record at "
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
      out.println("demo: checkpoint printer stopped: " + e.getMessage());
    } finally {
      consumer.close();
    }
  }

  static String line(CheckpointAnnouncement a) {
    OperatorDecision op = a.getOperator();
    if (op != null) {
      return "demo: operator "
          + op.getAction()
          + " of checkpoint "
          + a.getVersion()
          + " (key "
          + op.getKeyId()
          + ")";
    }
    if (a.getStatus() == null || a.getGate() == null) {
      return "demo: checkpoint " + a.getVersion() + " published (not judged by a gate)";
    }
    boolean held = a.getStatus() == CheckpointStatus.HELD_BACK;
    String against = Optional.ofNullable(a.getGate().getServingVersion()).orElse("initial weights");
    return "demo: checkpoint "
        + a.getVersion()
        + (held ? " HELD BACK" : " promoted")
        + " against "
        + against
        + ": "
        + ModelHistory.figureText(a)
        + " (candidate/serving top-1)"
        + (held
            ? "; "
                + a.getGate().getReason()
                + "; recognizers keep "
                + against
                + " (the live page's model history can promote it)"
            : "");
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
