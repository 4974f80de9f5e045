package io.openmede.ingest.feedback;

import io.openmede.platform.health.Health;
import io.openmede.platform.health.ServiceEndpoint;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import io.openmede.schemas.values.Printable;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler: reads feedback with a consumer group, turns each record into a labeled clip ({@link
 * Labeler}) on the labeled-clips topic, and dead-letters the ones it refuses with the reason.
 * Offsets are committed after a poll's clips are acknowledged (at least once; a repeat has the same
 * clip id). Runs on its own thread; a failing poll is retried after a pause.
 */
public final class LabelerService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelerService.class);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter clips =
      Counter.builder()
          .name("openmede_labeler_clips")
          .help("Labeled clips made from feedback, by split.")
          .labelNames("split")
          .register(registry);
  private final Counter refused =
      Counter.builder()
          .name("openmede_labeler_refused")
          .help("Feedback records refused, by reason.")
          .labelNames("reason")
          .register(registry);

  private final Counter vocabularyAdded =
      Counter.builder()
          .name("openmede_labeler_vocabulary_added")
          .help("Labels added to the vocabulary because feedback asked for them.")
          .register(registry);

  private final Cluster cluster;
  private final VocabularyLabels vocabularyLabels;
  private final VocabularyWriter vocabulary;
  private final Labeler labeler;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<String, LabeledClip> producer;
  private final KafkaRefusedRecords letters;
  private final Health health = new Health("labeler");
  private final Optional<ServiceEndpoint> http;
  private final Thread thread;
  private volatile boolean running = true;

  private LabelerService(Cluster cluster, LabelerSettings settings) throws IOException {
    this.cluster = cluster;
    this.labeler =
        new Labeler(
            new WindowFrames(
                cluster.consumerConfig("openmede-labeler-frames"),
                cluster.topics().frames().name(),
                cluster.topics().frames().valueSerde().deserializer()),
            settings.maxFrames(),
            settings.heldOutPercent());
    Map<String, Object> cc = cluster.consumerConfig(settings.group());
    cc.put("isolation.level", "read_committed");
    cc.put("enable.auto.commit", false);
    cc.put("auto.offset.reset", "earliest");
    this.consumer =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> pc = cluster.producerConfig("openmede-labeler");
    pc.put("acks", "all");
    pc.put("enable.idempotence", true);
    pc.put("max.request.size", cluster.topics().labeledClips().maxMessageBytes());
    this.producer =
        new KafkaProducer<>(
            pc, new StringSerializer(), cluster.topics().labeledClips().valueSerde().serializer());
    this.letters =
        new KafkaRefusedRecords(cluster.clientConfig(), cluster.topics().deadLetters(), "labeler");
    this.vocabularyLabels =
        new VocabularyLabels(
            cluster.consumerConfig("openmede-labeler-vocabulary"), cluster.topics().vocabulary());
    this.vocabulary =
        new VocabularyWriter(
            cluster.clientConfig(), cluster.topics().vocabulary(), "openmede-labeler-vocabulary");
    this.thread = new Thread(this::run, "labeler");
    this.thread.setDaemon(true);
    health.register(
        "labeling",
        () ->
            thread.getState() != Thread.State.TERMINATED || !running
                ? Health.Report.ready()
                : Health.Report.dead("the labeler thread stopped (see the log)"));
    this.http =
        settings.metricsPort() > 0
            ? Optional.of(
                ServiceEndpoint.start("0.0.0.0", settings.metricsPort(), health, List.of(registry)))
            : Optional.empty();
  }

  /** Starts the labeler. */
  public static LabelerService start(Cluster cluster, LabelerSettings settings) throws IOException {
    LabelerService s = new LabelerService(cluster, settings);
    s.thread.start();
    LOG.info(
        "labeler started: feedback from {}, frames from {}, clips to {}",
        cluster.topics().feedback().name(),
        cluster.topics().frames().name(),
        cluster.topics().labeledClips().name());
    return s;
  }

  public Health health() {
    return health;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  private void run() {
    consumer.subscribe(List.of(cluster.topics().feedback().name()));
    var values = cluster.topics().feedback().valueSerde().deserializer();
    while (running) {
      try {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          Feedback f;
          try {
            f = values.deserialize(r.topic(), r.value());
            if (f == null) {
              throw new IllegalArgumentException("no value");
            }
          } catch (RuntimeException e) {
            refuse(r, "value", "not a Feedback record: " + e.getMessage());
            continue;
          }
          Labeler.Outcome o = labeler.label(f);
          if (o.clip().isEmpty()) {
            refuse(r, o.reason(), o.why());
            continue;
          }
          LabeledClip clip = o.clip().get();
          producer
              .send(
                  new ProducerRecord<>(
                      cluster.topics().labeledClips().name(), clip.getClipId(), clip))
              .get(60, TimeUnit.SECONDS);
          clips.labelValues(clip.getSplit()).inc();
          if (f.getAddToVocabulary() && !vocabularyLabels.contains(clip.getLabel())) {
            vocabulary.add(clip.getLabel(), List.of());
            vocabularyLabels.added(clip.getLabel());
            vocabularyAdded.inc();
            LOG.info(
                "added {} to the vocabulary (default prompts), as feedback {}-{}@{} asked",
                Printable.quote(clip.getLabel()),
                r.topic(),
                r.partition(),
                r.offset());
          }
          LOG.info(
              "clip {} ({} frames, label {}, {}) from {} feedback",
              clip.getClipId(),
              clip.getFrames().size(),
              Printable.quote(clip.getLabel()),
              clip.getSplit(),
              f.getVerdict());
        }
        if (!records.isEmpty()) {
          consumer.commitSync(Duration.ofSeconds(30));
        }
      } catch (WakeupException e) {
        if (running) {
          LOG.warn("labeler woken up unexpectedly; going on");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        if (!running) {
          break;
        }
        LOG.warn("labeler: {}; retrying in 2 s", e.toString());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void refuse(ConsumerRecord<byte[], byte[]> r, String reason, String why) {
    refused.labelValues(reason).inc();
    LOG.warn(
        "refused the feedback record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), why);
    letters.refuse(r.topic(), r.partition(), r.offset(), r.key(), r.value(), reason, why);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
    producer.close(Duration.ofSeconds(5));
    letters.close();
    vocabularyLabels.close();
    vocabulary.close();
    http.ifPresent(ServiceEndpoint::close);
  }
}
