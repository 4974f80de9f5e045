package io.openmede.events.cli;

import io.openmede.events.rules.AlertRules;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Labels;
import io.openmede.schemas.values.Printable;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.DurationConverter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code openmede alert add|remove|list}: the alert rules on the compacted rules topic, which the
 * events service applies from the next recognition on.
 */
@Command(
    name = "alert",
    mixinStandardHelpOptions = true,
    description = "Add, remove and list the alert rules that turn recognitions into events.",
    subcommands = {AlertCommand.Add.class, AlertCommand.Remove.class, AlertCommand.ListRules.class})
public final class AlertCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.err.println("name a subcommand: add, remove or list (see --help)");
    return 2;
  }

  static Cluster cluster(ConfigOptions config) {
    return Cluster.from(config.resolve(Cluster.GROUPS));
  }

  /** Publishes a rule (null: a tombstone) and waits for the broker's acknowledgement. */
  static void publish(Cluster cluster, String name, AlertRule rule) throws Exception {
    try (KafkaProducer<String, AlertRule> p =
        new KafkaProducer<>(
            cluster.producerConfig("openmede-alert"),
            new StringSerializer(),
            cluster.topics().rules().valueSerde().serializer())) {
      p.send(new ProducerRecord<>(cluster.topics().rules().name(), name, rule)).get();
    }
  }

  /**
   * Reads the current rules (the latest good record per name); records that are not good rules are
   * skipped with a line on stderr, as the events service refuses them.
   */
  public static Map<String, AlertRule> read(Cluster cluster) {
    Map<String, AlertRule> out = new TreeMap<>();
    Map<String, Object> cc = cluster.consumerConfig("openmede-alert-list");
    cc.remove("group.id");
    String topic = cluster.topics().rules().name();
    var values = cluster.topics().rules().valueSerde().deserializer();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
          String where = r.topic() + "-" + r.partition() + "@" + r.offset();
          String key;
          try {
            key =
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(r.key() == null ? new byte[0] : r.key()))
                    .toString();
          } catch (CharacterCodingException e) {
            System.err.println("alert: skipped the record at " + where + ": the key is not UTF-8");
            continue;
          }
          if (r.value() == null) {
            out.remove(key);
            continue;
          }
          try {
            AlertRule rule = values.deserialize(topic, r.value());
            Optional<String> bad = AlertRules.refusal(key, rule);
            if (bad.isPresent()) {
              System.err.println("alert: skipped the record at " + where + ": " + bad.get());
              continue;
            }
            out.put(key, rule);
          } catch (RuntimeException e) {
            System.err.println("alert: skipped the record at " + where + ": " + e.getMessage());
          }
        }
      }
    }
    return out;
  }

  /** {@code alert add NAME --label LABEL --min-probability P ...}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add or replace a rule: an event when LABEL holds on a stream.")
  static final class Add implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(paramLabel = "NAME", description = "Rule name (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--label", required = true, description = "The vocabulary label to watch.")
    String label;

    @Option(
        names = "--min-probability",
        defaultValue = "0.5",
        description =
            "A window holds when the label's probability is at least this, in (0, 1]"
                + " (default: ${DEFAULT-VALUE}).")
    double minProbability;

    @Option(
        names = "--min-score",
        description =
            "A window holds only when the label's calibrated open-set score is at least this, in"
                + " (0, 1]: 0.5 is the label's threshold, fitted for the serving checkpoint on"
                + " held-out clips (recognizer.openset.score, trainer.openset.recall); a window"
                + " without calibrated scores does not hold. Default: not required. A window"
                + " marked unknown (nothing recognized) never holds either way.")
    Double minScore;

    @Option(
        names = "--streams",
        paramLabel = "GLOB",
        split = ",",
        description =
            "Stream ids or globs (* and ?) to watch, comma-separated; default: every" + " stream.")
    List<String> streams = new ArrayList<>();

    @Option(
        names = "--min-windows",
        defaultValue = "1",
        description =
            "Consecutive holding windows that open an episode (default: ${DEFAULT-VALUE}).")
    int minWindows;

    @Option(
        names = "--cooldown",
        defaultValue = "0s",
        converter = DurationConverter.class,
        description =
            "After an episode closes, no new one on that stream for this long: 30s, 5m"
                + " (default: ${DEFAULT-VALUE}).")
    Duration cooldown;

    @Option(
        names = "--webhook",
        paramLabel = "URL",
        description = "POST each event as JSON to this http(s) URL (repeatable).")
    List<String> webhooks = new ArrayList<>();

    @Option(
        names = "--clip-webhook",
        description =
            "Also POST to the webhooks once the episode's clip is made: the closed event with the"
                + " clip's link (clips.public-url), hash, size and length.")
    boolean clipWebhook;

    @Option(names = "--disabled", description = "Keep the rule but open no episode.")
    boolean disabled;

    @Override
    public Integer call() throws Exception {
      String clean;
      try {
        clean = Labels.clean(label);
      } catch (IllegalArgumentException e) {
        System.err.println("alert add: " + e.getMessage());
        return 2;
      }
      AlertRule rule =
          AlertRule.newBuilder()
              .setName(name)
              .setLabel(clean)
              .setStreams(streams)
              .setMinProbability(minProbability)
              .setMinScore(minScore)
              .setMinWindows(minWindows)
              .setCooldownMs(cooldown.toMillis())
              .setWebhooks(webhooks)
              .setClipWebhook(clipWebhook)
              .setEnabled(!disabled)
              .setUpdatedAt(Instant.now())
              .build();
      Optional<String> bad = AlertRules.refusal(name, rule);
      if (bad.isPresent()) {
        System.err.println("alert add: " + bad.get());
        return 2;
      }
      publish(cluster(config), name, rule);
      System.out.println("rule " + name + ": " + describe(rule));
      return 0;
    }
  }

  /** {@code alert remove NAME}. */
  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a rule.")
  static final class Remove implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      Optional<String> bad = Identifiers.ruleNameRefusal(name);
      if (bad.isPresent()) {
        System.err.println("alert remove: " + bad.get());
        return 2;
      }
      publish(cluster(config), name, null);
      System.out.println("removed rule " + name + " (an open episode of it closes)");
      return 0;
    }
  }

  /** {@code alert list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rules.")
  static final class ListRules implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      Map<String, AlertRule> rules = read(cluster(config));
      rules.forEach((name, rule) -> System.out.println(name + "\t" + describe(rule)));
      System.out.println(rules.size() + " rule(s)");
      return 0;
    }
  }

  /** One line about a rule. */
  public static String describe(AlertRule r) {
    return String.format(
            java.util.Locale.ROOT,
            "%s >= %.2f for %d window(s) on %s",
            Printable.quote(r.getLabel()),
            r.getMinProbability(),
            r.getMinWindows(),
            r.getStreams().isEmpty() ? "every stream" : String.join(",", r.getStreams()))
        + (r.getMinScore() == null
            ? ""
            : String.format(java.util.Locale.ROOT, ", calibrated score >= %.2f", r.getMinScore()))
        + (r.getCooldownMs() > 0 ? ", cooldown " + Duration.ofMillis(r.getCooldownMs()) : "")
        + (r.getWebhooks().isEmpty() ? "" : ", webhooks " + String.join(" ", r.getWebhooks()))
        + (r.getEnabled() ? "" : " (disabled)");
  }
}
