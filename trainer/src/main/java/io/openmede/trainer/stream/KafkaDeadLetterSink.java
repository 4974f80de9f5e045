package io.openmede.trainer.stream;

import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.topic.DeadLetterRecords;
import io.openmede.schemas.topic.Topic;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Sends refused records to the dead-letters topic and waits for the broker's ack. */
public final class KafkaDeadLetterSink implements DeadLetterSink, AutoCloseable {

  private final KafkaProducer<byte[], DeadLetter> producer;
  private final Topic<byte[], DeadLetter> topic;

  /** A sink producing to {@code topic}. */
  public KafkaDeadLetterSink(Map<String, Object> clientConfig, Topic<byte[], DeadLetter> topic) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, topic.maxMessageBytes());
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer =
        new KafkaProducer<>(c, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
  }

  @Override
  public void send(Refused r) {
    DeadLetter letter =
        DeadLetterRecords.of(
            new DeadLetterRecords.Source(
                r.sourceTopic(), r.partition(), r.offset(), r.key(), r.value()),
            r.reason(),
            r.errorClass(),
            "trainer",
            Instant.now());
    try {
      producer.send(DeadLetterRecords.toRecord(topic, letter)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending a dead letter", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not send a dead letter to " + topic.name() + ": " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
