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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeler: reads feedback with a consumer group, turns each record into a labeled clip ({@link
 * Labeler}) on the labeled-clips topic, and dead-letters the ones it refuses with the reason. Each
 * record's offset is committed once its clip was acknowledged or its dead letter flushed (at least
 * once; a repeat has the same clip id), and a poll's work stops after {@link #POLL_BUDGET} (the
 * rest is read again), so the loop never outlasts {@code max.poll.interval.ms}. A record that
 * breaks the labeler in an unforeseen way is dead-lettered with the failure; one that meets a
 * broker that does not answer is read again. The frames are read by one reader ({@link
 * WindowFrames}) for every record. Runs on a {@link ConsumerThread}: a failing poll is retried
 * after a pause.
 */
public final class LabelerService implements RunningService {

  private static final Logger LOG = LoggerFactory.getLogger(LabelerService.class);

  /** How long one poll's records are worked on before the rest is left for the next poll. */
  static final Duration POLL_BUDGET = Duration.ofSeconds(60);

  /** The most feedback records one poll hands over. */
  static final int MAX_POLL_RECORDS = 10;

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
  private final WindowFrames windowFrames;
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
      this.windowFrames =
          opened.add(
              new WindowFrames(
                  cluster.consumerConfig("openmede-labeler-frames"),
                  cluster.topics().frames().name(),
                  cluster.topics().frames().valueSerde().deserializer()));
      this.labeler = new Labeler(windowFrames, settings.maxFrames(), settings.heldOutPercent());
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
      cc.put("max.poll.records", MAX_POLL_RECORDS);
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
    s.opened.add(cluster.registryWaitsEnd()); // closed first: waits end, the thread ends
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

  /** How many consumers the frames reader opened so far: one, unless reads failed. */
  public long frameReadersOpened() {
    return windowFrames.consumersOpened();
  }

  /** How many frame records the frames reader went through so far. */
  public long frameRecordsRead() {
    return windowFrames.recordsRead();
  }

  /**
   * One poll: each feedback record becomes a clip (acknowledged) or a dead letter, and its offset
   * is committed; a record that meets a broker that does not answer, and every record after it in
   * its partition, is read again.
   */
  private void label(Consumer<byte[], byte[]> consumer) throws Exception {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
    long stopAt = System.nanoTime() + POLL_BUDGET.toNanos();
    java.util.Set<TopicPartition> later = new java.util.HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (later.contains(tp)) {
        continue;
      }
      if (System.nanoTime() - stopAt > 0) {
        // the budget is spent: this record and the rest of its partition come with a later poll
        later.add(tp);
        consumer.seek(tp, r.offset());
        continue;
      }
      try {
        labelOne(r);
      } catch (RetriableException | java.util.concurrent.TimeoutException e) {
        consumer.seek(tp, r.offset());
        throw e;
      } catch (java.util.concurrent.ExecutionException e) {
        consumer.seek(tp, r.offset());
        if (e.getCause() instanceof RecordTooLargeForTopicException big) {
          refuse(r, "too-large", "the clip it makes is refused: " + big.getMessage());
        } else if (e.getCause() instanceof RetriableException) {
          throw e;
        } else {
          refuse(r, "error", "the clip could not be sent: " + e.getCause());
        }
      } catch (RuntimeException e) {
        if (e instanceof org.apache.kafka.common.errors.WakeupException
            || e instanceof org.apache.kafka.common.errors.InterruptException
            || io.openmede.schemas.registry.SchemaRegistryException.transientIn(e)) {
          // stopping, or the registry away while the labeler closes: read it again next time
          consumer.seek(tp, r.offset());
          throw e;
        }
        LOG.warn(
            "the feedback record at {}-{}@{} broke the labeler",
            r.topic(),
            r.partition(),
            r.offset(),
            e);
        refuse(r, "error", "the labeler failed on it: " + e);
      }
      letters.flush();
      consumer.commitSync(
          Map.of(tp, new OffsetAndMetadata(r.offset() + 1)), Duration.ofSeconds(30));
    }
  }

  /** One feedback record: a clip acknowledged, or a dead letter sent. */
  private void labelOne(ConsumerRecord<byte[], byte[]> r) throws Exception {
    var values = cluster.topics().feedback().valueSerde().deserializer();
    Feedback f;
    try {
      f = values.deserialize(r.topic(), r.value());
      if (f == null) {
        throw new IllegalArgumentException("no value");
      }
    } catch (RuntimeException e) {
      if (io.openmede.schemas.registry.SchemaRegistryException.transientIn(e)) {
        throw e; // the registry's absence, not the record's fault: never a dead letter
      }
      refuse(r, "value", "not a Feedback record: " + e.getMessage());
      return;
    }
    Labeler.Outcome o = labeler.label(f, java.time.Instant.ofEpochMilli(r.timestamp()));
    if (o.clip().isEmpty()) {
      refuse(r, o.reason(), o.why());
      return;
    }
    LabeledClip clip = o.clip().get();
    try {
      producer
          .send(
              new ProducerRecord<>(cluster.topics().labeledClips().name(), clip.getClipId(), clip))
          .get(60, TimeUnit.SECONDS);
    } catch (RecordTooLargeForTopicException e) {
      refuse(r, "too-large", "the clip it makes is refused: " + e.getMessage());
      return;
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
