package io.openmede.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's storage: a compacted single-partition topic holding one record per subject
 * version, in the layout of Confluent's {@code _schemas} topic (key {@code
 * {"keytype":"SCHEMA","subject":...,"version":...,"magic":1}}, value {@code
 * {"subject","version","id","schema","deleted"}}). The registry is its only writer.
 */
final class SchemaLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** One registered subject version. */
  record Entry(String subject, int version, int id, String schema) {}

  private final String topic;
  private final KafkaProducer<String, String> producer;

  private SchemaLog(String topic, KafkaProducer<String, String> producer) {
    this.topic = topic;
    this.producer = producer;
  }

  /** Creates the topic if needed, reads every entry in it, and opens it for appending. */
  static SchemaLog open(String bootstrapServers, String topic, List<Entry> into) {
    createTopicIfMissing(bootstrapServers, topic);
    into.addAll(readAll(bootstrapServers, topic));
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) TIMEOUT.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT.toMillis() / 2,
                ProducerConfig.CLIENT_ID_CONFIG,
                "openmede-embedded-registry"),
            new StringSerializer(),
            new StringSerializer());
    return new SchemaLog(topic, producer);
  }

  /** Appends {@code entry} and waits until the broker has it. */
  void append(Entry entry) throws IOException {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "SCHEMA");
    key.put("subject", entry.subject());
    key.put("version", entry.version());
    key.put("magic", 1);
    ObjectNode value = JSON.createObjectNode();
    value.put("subject", entry.subject());
    value.put("version", entry.version());
    value.put("id", entry.id());
    value.put("schema", entry.schema());
    value.put("deleted", false);
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic, 0, JSON.writeValueAsString(key), JSON.writeValueAsString(value)))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException("cannot write to " + topic + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("no answer from Kafka within " + TIMEOUT + " writing " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted writing " + topic, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private static void createTopicIfMissing(String bootstrapServers, String topic) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        return;
      }
      NewTopic newTopic =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create the schema registry's topic "
              + topic
              + " at "
              + bootstrapServers
              + ": "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating " + topic, e);
    }
  }

  private static List<Entry> readAll(String bootstrapServers, String topic) {
    List<Entry> entries = new ArrayList<>();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "openmede-embedded-registry-reader"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(partition, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot read the schema registry's topic " + topic + " to its end within " + TIMEOUT);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          parse(record).ifPresent(entries::add);
        }
      }
    }
    return entries;
  }

  private static Optional<Entry> parse(ConsumerRecord<String, String> record) {
    try {
      JsonNode key = JSON.readTree(record.key());
      if (key == null || !"SCHEMA".equals(key.path("keytype").asText())) {
        return Optional.empty(); // config, mode or delete-subject records: not used here
      }
      if (record.value() == null) {
        return Optional.empty();
      }
      JsonNode value = JSON.readTree(record.value());
      if (value.path("deleted").asBoolean(false)) {
        return Optional.empty();
      }
      return Optional.of(
          new Entry(
              value.get("subject").asText(),
              value.get("version").asInt(),
              value.get("id").asInt(),
              value.get("schema").asText()));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "skipping unreadable record at offset {} of {}: {}", record.offset(), record.topic(), e);
      return Optional.empty();
    }
  }
}
