package io.openmede.events.cli;

import io.openmede.events.EpisodeLimits;
import io.openmede.events.EventsService;
import io.openmede.events.EventsSettings;
import io.openmede.events.clips.ClipSettings;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.SettingsGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code openmede events}: runs the events service; {@code events tail} prints events. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Run the events service: recognitions become events on the events topic, one when an alert"
          + " rule (openmede alert) begins to hold on a stream and one when it stops.",
      "With clips.enabled (the default) it also keeps a clip of every closed episode (MP4 with"
          + " pre- and post-roll, and a thumbnail) in the clip store (clips.dir).",
      "Exits 1 if its Kafka Streams client dies, so that a supervisor restarts it."
    },
    subcommands = {
      EventsCommand.Tail.class,
      EventsCommand.Listen.class,
      ClipCommands.ListClips.class,
      ClipCommands.OneClip.class
    })
public final class EventsCommand implements Callable<Integer> {

  @Mixin ConfigOptions config;

  /** Every settings group the command reads. */
  public static List<SettingsGroup> groups() {
    List<SettingsGroup> g = new ArrayList<>(Cluster.GROUPS);
    g.add(EventsSettings.GROUP);
    g.add(ClipSettings.SETTINGS_GROUP);
    g.add(InputBounds.GROUP);
    g.add(EpisodeLimits.GROUP);
    return g;
  }

  @Override
  public Integer call() throws Exception {
    return ServiceSkeleton.run(
        "events",
        config.resolve(groups()),
        s ->
            EventsService.start(
                Cluster.connect(s),
                EventsSettings.from(s),
                Optional.of(ClipSettings.from(s)),
                EpisodeLimits.from(s),
                Map.of()),
        System.err);
  }

  /** One line about an event. */
  public static String describe(Event e) {
    return String.format(
        Locale.ROOT,
        "%-6s %-16s %-24s rule %-16s frames %d-%d  %d window(s)  peak %.3f  snapshot frame %d%s",
        e.getState(),
        e.getStreamId(),
        e.getLabel(),
        e.getRule(),
        e.getFirstSequence(),
        e.getLastSequence(),
        e.getWindows(),
        e.getPeakProbability(),
        e.getSnapshotSequence(),
        e.getCloseReason() == null ? "" : "  (" + e.getCloseReason() + ")");
  }

  /** {@code events tail}: prints committed events as they come. */
  @Command(
      name = "tail",
      mixinStandardHelpOptions = true,
      description = "Print events (committed ones only) as they arrive.")
  static final class Tail implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Option(names = "--from-beginning", description = "Start at the oldest retained event.")
    boolean fromBeginning;

    @Option(names = "--max", defaultValue = "0", description = "Stop after N events; 0: never.")
    long max;

    @Override
    public Integer call() {
      Cluster cluster = Cluster.from(config.resolve(Cluster.GROUPS));
      Map<String, Object> cc = cluster.consumerConfig("openmede-events-tail");
      cc.remove("group.id");
      cc.put("isolation.level", "read_committed");
      String topic = cluster.topics().events().name();
      var values = cluster.topics().events().valueSerde().deserializer();
      long seen = 0;
      try (KafkaConsumer<byte[], byte[]> c =
          new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> parts =
            c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        c.assign(parts);
        if (fromBeginning) {
          c.seekToBeginning(parts);
        } else {
          c.seekToEnd(parts);
        }
        while (max == 0 || seen < max) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            try {
              System.out.println(describe(values.deserialize(topic, r.value())));
            } catch (RuntimeException e) {
              System.err.println(
                  "events: skipped the record at "
                      + r.topic()
                      + "-"
                      + r.partition()
                      + "@"
                      + r.offset()
                      + ": "
                      + e.getMessage());
            }
            System.out.flush();
            if (max > 0 && ++seen >= max) {
              break;
            }
          }
        }
      }
      return 0;
    }
  }

  /** {@code events listen}: a tiny webhook receiver that prints what it receives. */
  @Command(
      name = "listen",
      mixinStandardHelpOptions = true,
      description = {
        "A webhook receiver to try alerts with: prints each POST (its Idempotency-Key and JSON"
            + " body) and answers 204. Repeats of a key are marked.",
        "Example: openmede events listen --port 9999 & openmede alert add falls --label falling"
            + " --webhook http://127.0.0.1:9999/"
      })
  static final class Listen implements Callable<Integer> {
    @Option(
        names = "--port",
        defaultValue = "9999",
        description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
      java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      com.sun.net.httpserver.HttpServer server =
          com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(host, port), 16);
      server.createContext(
          "/",
          x -> {
            try (x) {
              if (!"POST".equals(x.getRequestMethod())) {
                x.sendResponseHeaders(405, -1);
                return;
              }
              byte[] body = x.getRequestBody().readNBytes(1 << 20);
              String key = String.valueOf(x.getRequestHeaders().getFirst("Idempotency-Key"));
              boolean repeat = !seen.add(key);
              System.out.println(
                  (repeat ? "repeat " : "")
                      + key
                      + " "
                      + new String(body, java.nio.charset.StandardCharsets.UTF_8));
              System.out.flush();
              x.sendResponseHeaders(204, -1);
            }
          });
      server.start();
      System.out.println(
          "listening on http://" + host + ":" + server.getAddress().getPort() + "/ (Ctrl-C stops)");
      System.out.flush();
      new CountDownLatch(1).await();
      return 0;
    }
  }
}
