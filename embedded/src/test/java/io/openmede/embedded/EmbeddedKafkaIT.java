package io.openmede.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void start_persistentDataDir_keepsRecordsAcrossRestart(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("broker");
    byte[] value = "kept".getBytes(StandardCharsets.UTF_8);
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().optDataDir(data).start()) {
      System.out.println("embedded broker first start-up: " + kafka.startupMillis() + " ms");
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
        producer.send(new ProducerRecord<>("t", null, value)).get();
      }
    }
    assertThat(data.resolve("kafka-logs").resolve("meta.properties")).exists();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().optDataDir(data).start()) {
      System.out.println("embedded broker restart: " + kafka.startupMillis() + " ms");
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                  ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                  ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
        TopicPartition tp = new TopicPartition("t", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = List.of();
        long deadline = System.currentTimeMillis() + 20_000;
        while (got.isEmpty() && System.currentTimeMillis() < deadline) {
          got = consumer.poll(Duration.ofMillis(200)).records(tp);
        }
        assertThat(got).hasSize(1);
        assertThat(got.get(0).value()).isEqualTo(value);
      }
    }
  }

  @Test
  void close_temporaryBroker_deletesDataDirAndStopsBrokerThreads() {
    Path data;
    long t0;
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      data = kafka.dataDir();
      assertThat(data).exists();
      System.out.println("temporary broker start-up: " + kafka.startupMillis() + " ms");
      t0 = System.nanoTime();
    }
    System.out.println("close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertThat(Files.exists(data)).isFalse();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.isAlive() && !t.isDaemon() && t.getName().startsWith("kafka-"));
  }

  @Test
  void start_portInUse_failsWithClearMessageAndLeavesNoBrokerThreads() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> EmbeddedKafka.builder().optPort(port).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot start the embedded Kafka broker on 127.0.0.1:" + port)
          .hasMessageContaining("is the port in use");
      Thread.sleep(200);
      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> !before.contains(t))
          .noneMatch(t -> t.isAlive() && !t.isDaemon());
    }
  }

  static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }
}
