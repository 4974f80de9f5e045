package io.openmede.recognizer.cli;

import io.openmede.recognizer.vocabulary.VocabularyRecords;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KeyedRecords;
import io.openmede.schemas.values.LabelMap;
import io.openmede.settings.ConfigOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openmede vocab add|remove|list|import}: publishes and reads the shared vocabulary on the
 * compacted vocabulary topic (a tombstone removes a label).
 */
@Command(
    name = "vocab",
    mixinStandardHelpOptions = true,
    description = "Publish and read the vocabulary the recognizers score against.",
    subcommands = {
      VocabCommand.Add.class,
      VocabCommand.Remove.class,
      VocabCommand.ListEntries.class,
      VocabCommand.Import.class
    })
public final class VocabCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("name a subcommand: add, remove, list or import (see --help)");
    return 2;
  }

  /** Publishes entries (null value: tombstone) and waits for the broker's acknowledgement. */
  static void publish(Cluster cluster, Map<String, VocabularyEntry> entries) throws Exception {
    try (KafkaProducer<String, VocabularyEntry> p =
        new KafkaProducer<>(
            cluster.producerConfig("openmede-vocab"),
            new StringSerializer(),
            cluster.topics().vocabulary().valueSerde().serializer())) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (Map.Entry<String, VocabularyEntry> e : entries.entrySet()) {
        sent.add(
            p.send(
                new ProducerRecord<>(
                    cluster.topics().vocabulary().name(), e.getKey(), e.getValue())));
      }
      p.flush();
      for (java.util.concurrent.Future<?> f : sent) {
        f.get();
      }
    }
  }

  /** Reads the vocabulary topic to its end: label to entry, tombstones applied. */
  public static Map<String, VocabularyEntry> read(Cluster cluster) {
    Map<String, VocabularyEntry> out = new TreeMap<>();
    Map<String, Object> cc = cluster.consumerConfig("openmede-vocab-list");
    cc.remove("group.id");
    String topic = cluster.topics().vocabulary().name();
    org.apache.kafka.common.serialization.Deserializer<VocabularyEntry> values =
        cluster.topics().vocabulary().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            cc,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading " + topic);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          KeyedRecords.Judged<VocabularyEntry> v =
              VocabularyRecords.RECORDS.judge(
                  r.key(), r.value(), bytes -> values.deserialize(topic, bytes));
          if (v.refused()) {
            System.err.println(
                "vocab: skipped the record at "
                    + r.topic()
                    + "-"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + (v.key() == null
                        ? ""
                        : " (" + io.openmede.schemas.values.Printable.quote(v.key()) + ")")
                    + ", as recognizers do: "
                    + v.why());
          } else if (v.tombstone()) {
            out.remove(v.key());
          } else {
            out.put(v.key(), v.value());
          }
        }
      }
    }
    return out;
  }

  static VocabularyEntry entry(String label, List<String> prompts, boolean enabled) {
    return new VocabularyEntry(label, List.copyOf(prompts), enabled, Instant.now());
  }

  static Cluster cluster(ConfigOptions config) {
    return Cluster.from(config.resolve(Cluster.GROUPS));
  }

  /** {@code vocab add LABEL [--prompt T]... [--disabled]}. */
  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add or update a label.")
  static final class Add implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(paramLabel = "LABEL", description = "The action name.")
    String label;

    @Option(
        names = "--prompt",
        paramLabel = "TEMPLATE",
        description = "Prompt template with {} for the label (repeatable); default: built-in set.")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--disabled", description = "List the label but do not score it.")
    boolean disabled;

    @Override
    public Integer call() throws Exception {
      String clean;
      try {
        clean = io.openmede.schemas.values.Labels.clean(label);
        io.openmede.schemas.values.Labels.checkPrompts(prompts);
      } catch (IllegalArgumentException e) {
        System.err.println("vocab add: " + e.getMessage());
        return 2;
      }
      publish(cluster(config), Map.of(clean, entry(clean, prompts, !disabled)));
      System.out.println("added " + clean);
      return 0;
    }
  }

  /** {@code vocab remove LABEL}. */
  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a label.")
  static final class Remove implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(paramLabel = "LABEL")
    String label;

    @Override
    public Integer call() throws Exception {
      Map<String, VocabularyEntry> tombstone = new TreeMap<>();
      tombstone.put(label, null);
      publish(cluster(config), tombstone);
      System.out.println("removed " + label);
      return 0;
    }
  }

  /** {@code vocab list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the vocabulary.")
  static final class ListEntries implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      print(read(cluster(config)), System.out);
      return 0;
    }
  }

  static void print(Map<String, VocabularyEntry> entries, PrintStream out) {
    for (VocabularyEntry e : entries.values()) {
      out.println(
          e.getLabel()
              + (e.getEnabled() ? "" : "\t(disabled)")
              + (e.getPrompts().isEmpty() ? "" : "\t" + String.join(" | ", e.getPrompts())));
    }
    out.println(entries.size() + " label(s)");
  }

  /** {@code vocab import FILE}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Add every label of a label map (one name per line, or id,name CSV).")
  static final class Import implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--prompt",
        paramLabel = "TEMPLATE",
        description = "Prompt template for every imported label (repeatable).")
    List<String> prompts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      List<String> labels = LabelMap.load(file).labels();
      Map<String, VocabularyEntry> entries = new TreeMap<>();
      for (String l : labels) {
        entries.put(l, entry(l, prompts, true));
      }
      publish(cluster(config), entries);
      System.out.println("imported " + labels.size() + " label(s) from " + file);
      return 0;
    }
  }
}
