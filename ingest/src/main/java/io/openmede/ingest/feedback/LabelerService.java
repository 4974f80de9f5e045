package io.openmede.ingest.feedback;

import io.openmede.platform.health.Health;
import io.openmede.platform.service.ConsumerThread;
import io.openmede.platform.service.Resources;
import io.openmede.platform.service.RunningService;
import io.openmede.platform.service.ServiceMetrics;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.KafkaRefusedRecords;
import io.openmede.schemas.topic.RecordTooLargeForTopicException;
import io.openmede.schemas.topic.SizeLimitedSerializers;
import io.openmede.schemas.values.Printable;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler: reads feedback with a consumer group, turns each record into a labeled clip ({@link
 * Labeler}) on the labeled-clips topic, and dead-letters the ones it refuses with the reason.
 * Offsets are committed after a poll's clips are acknowledged (at least once; a repeat has the same
 * clip id). Runs on a {@link ConsumerThread}: a failing poll is retried after a pause.
 */
public final class LabelerService implements RunningService {

  private static final Logger LOG = LoggerFactory.getLogger(LabelerService.class);

  private final ServiceMetrics metrics = new ServiceMetrics();
  private final Counter clips =
      metrics.counter(
          "openmede_labeler_clips", "Labeled clips made from feedback, by split.", "split");
  private final Counter refused =
      metrics.counter("openmede_labeler_refused", "Feedback records refused, by reason.", "reason");
  private final Counter vocabularyAdded =
      metrics.counter(
          "openmede_labeler_vocabulary_added",
          "Labels added to the vocabulary because feedback asked for them.");

  private final Cluster cluster;
  private final VocabularyLabels vocabularyLabels;
  private final VocabularyWriter vocabulary;
  private final Labeler labeler;
  private final KafkaProducer<String, LabeledClip> producer;
  private final KafkaRefusedRecords letters;
  private final Health health = new Health("labeler");
  private final Resources opened = new Resources("labeler");
  private final ConsumerThread<byte[], byte[]> thread;

  /** Opens everything in order; what was opened is closed again if a later step throws. */
  private LabelerService(Cluster cluster, LabelerSettings settings) throws IOException {
    this.cluster = cluster;
    cluster.waitForRegistry(health);
    try {
      ServiceSkeleton.endpoint(opened, settings.metricsPort(), health, metrics.registry());
      this.labeler =
          new Labeler(
              new WindowFrames(
                  cluster.consumerConfig("openmede-labeler-frames"),
                  cluster.topics().frames().name(),
                  cluster.topics().frames().valueSerde().deserializer()),
              settings.maxFrames(),
              settings.heldOutPercent());
      Map<String, Object> pc = cluster.producerConfig("openmede-labeler");
      pc.put("acks", "all");
      pc.put("enable.idempotence", true);
      pc.put("max.request.size", cluster.topics().labeledClips().maxMessageBytes());
      SizeLimitedSerializers<String, LabeledClip> clipSerializers =
          SizeLimitedSerializers.of(cluster.topics().labeledClips());
      this.producer =
          opened.add(
              new KafkaProducer<>(pc, clipSerializers.keys(), clipSerializers.values()),
              p -> p.close(Duration.ofSeconds(5)));
      this.letters =
          opened.add(
              new KafkaRefusedRecords(
                  cluster.clientConfig(), cluster.topics().deadLetters(), "labeler"));
      this.vocabularyLabels =
          opened.add(
              new VocabularyLabels(
                  cluster.consumerConfig("openmede-labeler-vocabulary"),
                  cluster.topics().vocabulary()));
      this.vocabulary =
          opened.add(
              new VocabularyWriter(
                  cluster.clientConfig(),
                  cluster.topics().vocabulary(),
                  "openmede-labeler-vocabulary"));
      Map<String, Object> cc = cluster.consumerConfig(settings.group());
      cc.put("isolation.level", "read_committed");
      cc.put("enable.auto.commit", false);
      cc.put("auto.offset.reset", "earliest");
      KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.thread =
          opened.add(
              new ConsumerThread<>(
                  "labeler",
                  consumer,
                  Duration.ofSeconds(2),
                  "",
                  () -> consumer.subscribe(List.of(cluster.topics().feedback().name())),
                  this::label));
    } catch (IOException | RuntimeException e) {
      opened.close();
      throw e;
    }
    health.register("labeling", () -> thread.report("the labeler thread stopped (see the log)"));
  }

  /** Starts the labeler. */
  public static LabelerService start(Cluster cluster, LabelerSettings settings) throws IOException {
    LabelerService s = new LabelerService(cluster, settings);
    s.thread.start();
    ServiceSkeleton.watch(s.opened, s.health);
    LOG.info(
        "labeler started: feedback from {}, frames from {}, clips to {}",
        cluster.topics().feedback().name(),
        cluster.topics().frames().name(),
        cluster.topics().labeledClips().name());
    return s;
  }

  @Override
  public Health health() {
    return health;
  }

  /** The labeler's metrics. */
  public PrometheusRegistry registry() {
    return metrics.registry();
  }

  /** One poll: each feedback record becomes a clip (acknowledged) or a dead letter. */
  private void label(Consumer<byte[], byte[]> consumer) throws Exception {
    var values = cluster.topics().feedback().valueSerde().deserializer();
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
      try {
        producer
            .send(
                new ProducerRecord<>(
                    cluster.topics().labeledClips().name(), clip.getClipId(), clip))
            .get(60, TimeUnit.SECONDS);
      } catch (RecordTooLargeForTopicException e) {
        refuse(r, "too-large", "the clip it makes is refused: " + e.getMessage());
        continue;
      }
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
  }

  private void refuse(ConsumerRecord<byte[], byte[]> r, String reason, String why) {
    refused.labelValues(reason).inc();
    LOG.warn(
        "refused the feedback record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), why);
    letters.refuse(r.topic(), r.partition(), r.offset(), r.key(), r.value(), reason, why);
  }

  /**
   * Stops the thread, then closes the clients and the endpoint, in the reverse order of opening.
   */
  @Override
  public void close() {
    opened.close();
  }
}
