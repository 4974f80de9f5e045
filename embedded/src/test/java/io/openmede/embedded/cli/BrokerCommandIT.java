package io.openmede.embedded.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.topic.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code broker} in its own process, used by this one, stopped with SIGTERM. */
class BrokerCommandIT {
  private static final Pattern READY =
      Pattern.compile("broker ready bootstrap=(\\S+) registry=(\\S+)");

  @Test
  void help_listsOptions() {
    String usage = new CommandLine(new BrokerCommand()).getUsageMessage();
    assertThat(usage).contains("--data-dir", "--port", "--registry-port", "--free-ports");
  }

  @Test
  void broker_inAnotherProcess_servesClientsAndStopsCleanlyOnSigterm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                BrokerCommand.class.getName(),
                "--temporary",
                "--free-ports",
                "--partitions",
                "2")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                lines.add("read failed: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      String ready = lines.poll(180, TimeUnit.SECONDS);
      assertThat(ready).as("the ready line").isNotNull();
      Matcher m = READY.matcher(ready);
      assertThat(m.matches()).as(ready).isTrue();
      String bootstrap = m.group(1);
      String registryUrl = m.group(2);

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
            .contains(
                TopicNames.DEFAULT_FRAMES,
                TopicNames.DEFAULT_VOCABULARY,
                TopicNames.DEFAULT_RECOGNITIONS,
                TopicNames.DEFAULT_LABELED_CLIPS,
                TopicNames.DEFAULT_CHECKPOINTS,
                TopicNames.DEFAULT_DEAD_LETTERS);
      }
      Topics topics =
          Topics.create(
              TopicNames.defaults(),
              RestSchemaRegistryClient.builder(registryUrl).build(),
              Map.of());
      Topic<String, VocabularyEntry> vocabulary = topics.vocabulary();
      VocabularyEntry entry =
          new VocabularyEntry("waving", List.of(), true, Instant.ofEpochMilli(1_700_000_000_000L));
      try (KafkaProducer<String, VocabularyEntry> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", bootstrap),
              vocabulary.keySerde().serializer(),
              vocabulary.valueSerde().serializer())) {
        producer.send(new ProducerRecord<>(vocabulary.name(), "waving", entry)).get();
      }
      try (KafkaConsumer<String, VocabularyEntry> consumer =
          new KafkaConsumer<>(
              Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
              vocabulary.keySerde().deserializer(),
              vocabulary.valueSerde().deserializer())) {
        TopicPartition tp = new TopicPartition(vocabulary.name(), 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<String, VocabularyEntry>> got = List.of();
        long deadline = System.currentTimeMillis() + 30_000;
        while (got.isEmpty() && System.currentTimeMillis() < deadline) {
          got = consumer.poll(Duration.ofMillis(200)).records(tp);
        }
        assertThat(got).extracting(ConsumerRecord::value).containsExactly(entry);
      }

      // SIGTERM with kill(1): Process.destroy() would also close our end of its stdout
      assertThat(
              new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor())
          .isEqualTo(0);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
      assertThat(process.exitValue()).isEqualTo(0);
      assertThat(lines.poll(5, TimeUnit.SECONDS)).isEqualTo("broker stopped");
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
