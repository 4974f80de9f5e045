package io.openmede.events.clips;

import io.openmede.events.EventsMetrics;
import io.openmede.platform.health.Health;
import io.openmede.platform.service.ConsumerThread;
import io.openmede.schemas.avro.ClipMade;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.topic.RecordTooLargeForTopicException;
import io.openmede.schemas.topic.RefusedRecords;
import io.openmede.schemas.topic.SizeLimitedSerializers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clip maker of the events service: reads CLOSED events with a consumer group, makes each
 * episode's clip ({@link ClipMaker}) and publishes the clip-made record together with the event's
 * offset in one transaction. A restart therefore finishes or redoes a clip (the store replaces by
 * event id) and the topic has one committed record per episode. Retention ({@link
 * ClipStore#deleteOld}) runs on the same thread once a minute. Bad event records are refused with a
 * reason; a store that cannot be written is retried after a pause.
 *
 * <p>Lifecycle: {@link #start()}, then {@link #close()}. {@link #report} for the service's health.
 */
public final class ClipService implements AutoCloseable {

  /** Told of each clip once its record is committed (the rule's clip webhook). */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param closed the closed event
     * @param made its clip record
     * @param from where the event was read (for dead letters)
     */
    void committed(Event closed, ClipMade made, ConsumerRecord<byte[], byte[]> from);

    Listener NONE = (closed, made, from) -> {};
  }

  private static final Logger LOG = LoggerFactory.getLogger(ClipService.class);

  /** How often retention runs. */
  static final Duration RETENTION_EVERY = Duration.ofMinutes(1);

  private final Cluster cluster;
  private final ClipSettings settings;
  private final ClipStore store;
  private final ClipMaker maker;
  private final KafkaProducer<String, ClipMade> producer;
  private final RefusedRecords letters;
  private final EventsMetrics metrics;
  private final Consumer<String> afterStore;
  private volatile Listener listener = Listener.NONE;
  private final Clock clock;
  private final ConsumerThread<byte[], byte[]> thread;
  private Instant lastRetention = Instant.MIN;

  /**
   * @param afterStore runs after a clip is stored and before its record is committed (tests: a
   *     crash there); given the event id
   */
  ClipService(
      Cluster cluster,
      ClipSettings settings,
      ClipStore store,
      RefusedRecords letters,
      EventsMetrics metrics,
      Clock clock,
      Consumer<String> afterStore) {
    this.cluster = cluster;
    this.settings = settings;
    this.store = store;
    this.letters = letters;
    this.metrics = metrics;
    this.clock = clock;
    this.afterStore = afterStore;
    this.maker =
        new ClipMaker(
            new EpisodeFrames(
                cluster.consumerConfig(settings.group() + "-frames"),
                cluster.topics().frames().name(),
                cluster.topics().frames().valueSerde().deserializer()),
            new ClipEncoder(),
            store,
            settings,
            cluster.topics().frames().name(),
            clock);
    Map<String, Object> pc = cluster.producerConfig(settings.group());
    pc.put("acks", "all");
    pc.put("enable.idempotence", true);
    pc.put("transactional.id", settings.group());
    pc.put("max.request.size", cluster.topics().clips().maxMessageBytes());
    // a clip record too large for its topic (an event with a stream id of megabytes) is refused
    // before the producer sees it, so that the transaction goes on and the event is dead-lettered
    SizeLimitedSerializers<String, ClipMade> serializers =
        SizeLimitedSerializers.of(cluster.topics().clips());
    this.producer = new KafkaProducer<>(pc, serializers.keys(), serializers.values());
    Map<String, Object> cc = new HashMap<>(cluster.consumerConfig(settings.group()));
    cc.put("isolation.level", "read_committed");
    cc.put("enable.auto.commit", false);
    cc.put("auto.offset.reset", "earliest");
    cc.put("max.poll.records", 20);
    // one poll may take several clips' time: leave room before the group calls the member dead
    cc.put("max.poll.interval.ms", (int) Duration.ofMinutes(30).toMillis());
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread =
        new ConsumerThread<>(
            "clips",
            consumer,
            Duration.ofSeconds(2),
            ", clips wait",
            () -> {
              producer.initTransactions();
              consumer.subscribe(List.of(cluster.topics().events().name()));
            },
            this::poll);
  }

  /**
   * The clip maker of the events service.
   *
   * @param store the clip store (shared with whoever else reads it)
   * @param letters where refused event records go
   */
  public static ClipService create(
      Cluster cluster,
      ClipSettings settings,
      ClipStore store,
      RefusedRecords letters,
      EventsMetrics metrics) {
    return new ClipService(cluster, settings, store, letters, metrics, Clock.systemUTC(), id -> {});
  }

  /** Tells {@code l} of every clip committed from now on; call before {@link #start()}. */
  public ClipService listen(Listener l) {
    this.listener = l;
    return this;
  }

  /** The clip as a webhook receives it. */
  public static Map<String, Object> json(ClipMade made, ClipSettings settings) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("status", made.getStatus().name());
    if (made.getUri() != null) {
      m.put("url", settings.link(made.getEventId(), made.getUri()));
      m.put("uri", made.getUri());
      m.put("sha256", made.getSha256());
      m.put("sizeBytes", made.getSizeBytes());
      m.put("durationMillis", made.getDurationMillis());
      m.put("frames", made.getFrames());
    }
    if (made.getReason() != null) {
      m.put("reason", made.getReason());
    }
    return m;
  }

  /** Starts the thread. */
  public ClipService start() {
    thread.start();
    LOG.info(
        "clip maker {} started: closed events from {}, frames from {} ({} before, {} after, at"
            + " most {}), clips to {} and {}",
        settings.group(),
        cluster.topics().events().name(),
        cluster.topics().frames().name(),
        settings.preRoll(),
        settings.postRoll(),
        settings.maxLength(),
        store,
        cluster.topics().clips().name());
    return this;
  }

  /** The clip store. */
  public ClipStore store() {
    return store;
  }

  /** Ready while the clip thread runs. */
  public Health.Report report() {
    return thread.report("the clip maker thread stopped (see the log)");
  }

  private void poll(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer)
      throws Exception {
    retention();
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
    if (records.isEmpty()) {
      return;
    }
    var values = cluster.topics().events().valueSerde().deserializer();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    try {
      for (ConsumerRecord<byte[], byte[]> r : records) {
        offsets.put(
            new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        Event e;
        try {
          e = values.deserialize(r.topic(), r.value());
          if (e == null) {
            throw new IllegalArgumentException("no value");
          }
        } catch (RuntimeException ex) {
          LOG.warn(
              "refused the event record at {}-{}@{}: {}",
              r.topic(),
              r.partition(),
              r.offset(),
              ex.getMessage());
          letters.refuse(
              r.topic(),
              r.partition(),
              r.offset(),
              r.key(),
              r.value(),
              "value",
              "not an Event record: " + ex.getMessage());
          continue;
        }
        if (e.getState() != EventState.CLOSED) {
          continue;
        }
        ClipMade made = maker.make(e);
        afterStore.accept(e.getEventId());
        producer.beginTransaction();
        try {
          producer.send(
              new ProducerRecord<>(cluster.topics().clips().name(), e.getEventId(), made));
        } catch (RecordTooLargeForTopicException tooLarge) {
          refuseTooLarge(e, made, r, tooLarge);
          made = null;
        }
        producer.sendOffsetsToTransaction(Map.copyOf(offsets), consumer.groupMetadata());
        producer.commitTransaction();
        offsets.clear();
        if (made == null) {
          continue;
        }
        metrics.clips.labelValues(made.getStatus().name()).inc();
        try {
          listener.committed(e, made, r);
        } catch (RuntimeException ex) {
          LOG.warn("the clip listener failed for {}: {}", e.getEventId(), ex.toString());
        }
        if (made.getReason() == null) {
          LOG.info(
              "clip of {}: {} frames, {} ms, {} bytes, {}",
              e.getEventId(),
              made.getFrames(),
              made.getDurationMillis(),
              made.getSizeBytes(),
              made.getUri());
        } else {
          LOG.warn("no clip of {} ({}): {}", e.getEventId(), made.getStatus(), made.getReason());
        }
      }
      if (!offsets.isEmpty()) {
        producer.beginTransaction();
        producer.sendOffsetsToTransaction(Map.copyOf(offsets), consumer.groupMetadata());
        producer.commitTransaction();
      }
    } catch (Exception ex) {
      rewind(consumer);
      throw ex;
    }
  }

  /**
   * The clip record of {@code e} cannot be published: the event is dead-lettered with the reason
   * (flushed before its offset is committed) and a clip already stored for it is deleted, so that
   * the store keeps no clip that the topic does not announce.
   */
  private void refuseTooLarge(
      Event e, ClipMade made, ConsumerRecord<byte[], byte[]> r, RecordTooLargeForTopicException why)
      throws IOException {
    LOG.warn(
        "refused the event record at {}-{}@{}: its clip record {}",
        r.topic(),
        r.partition(),
        r.offset(),
        why.getMessage());
    if (made.getUri() != null) {
      store.delete(e.getEventId());
    }
    letters.refuse(
        r.topic(),
        r.partition(),
        r.offset(),
        r.key(),
        r.value(),
        "too-large",
        "its clip record cannot be published: " + why.getMessage());
    letters.flush();
    metrics.clips.labelValues("REFUSED").inc();
  }

  /** After a failure: abort what is open and go back to the committed offsets, to redo them. */
  private void rewind(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
    try {
      producer.abortTransaction();
    } catch (RuntimeException ignored) {
      // no transaction was open
    }
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata o = committed.get(tp);
      if (o == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, o.offset());
      }
    }
  }

  private void retention() {
    Instant now = clock.instant();
    if (Duration.between(lastRetention, now).compareTo(RETENTION_EVERY) < 0) {
      return;
    }
    lastRetention = now;
    try {
      for (ClipStore.Entry gone :
          store.deleteOld(now.minus(settings.retentionAge()), settings.retentionBytes())) {
        metrics.clipsDeleted.inc();
        LOG.info(
            "retention deleted the clip of {} (made {}, {} bytes)",
            gone.eventId(),
            gone.madeAt(),
            gone.sizeBytes());
      }
    } catch (IOException e) {
      LOG.warn("clip retention could not run: {}; trying again in a minute", e.toString());
    }
  }

  /** Stops the thread, then closes the producer. */
  @Override
  public void close() {
    thread.close();
    producer.close(Duration.ofSeconds(5));
  }
}
