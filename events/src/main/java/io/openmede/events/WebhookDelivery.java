package io.openmede.events;

import io.openmede.platform.health.Health;
import io.openmede.platform.service.ConsumerThread;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.topic.RefusedRecords;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads committed events with a consumer group of its own and hands each to the {@link
 * WebhookSink}, many at once: up to {@code inFlight} events are being delivered while the consumer
 * keeps polling (its partitions paused while the window is full), so slow or silent receivers of
 * one rule neither hold back another rule's webhooks nor make the poll loop outlast {@code
 * max.poll.interval.ms}. Offsets are committed per record as soon as it and every record before it
 * in its partition were delivered or dead-lettered (dead letters flushed first), so a crash
 * delivers again only what was unfinished (at least once; the idempotency key lets receivers drop
 * repeats). Every record ends in deliveries or dead letters: one that cannot be decoded, and one
 * whose delivery cannot even start, are dead-lettered with the reason; while the rules cannot be
 * read (the service is rebalancing) the record is read again later, not skipped. Runs on a {@link
 * ConsumerThread}: a failing poll is retried after a pause.
 */
final class WebhookDelivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  /** Thrown by the rules lookup while the rules cannot be read: the record is read again later. */
  static final class RulesUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RulesUnavailable(String message) {
      super(message);
    }
  }

  private record Done(TopicPartition partition, long offset) {}

  private final Deserializer<Event> values;
  private final String topic;
  private final WebhookSink sink;
  private final Function<String, Optional<AlertRule>> rules;
  private final EventsMetrics metrics;
  private final RefusedRecords letters;
  private final int inFlight;
  private final ConsumerThread<byte[], byte[]> thread;
  private final AtomicInteger delivering = new AtomicInteger();
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();

  /** Per partition, the offsets read and not yet finished (consumer thread only). */
  private final Map<TopicPartition, TreeSet<Long>> unfinished = new HashMap<>();

  /** Per partition, the offset after the last one read (consumer thread only). */
  private final Map<TopicPartition, Long> next = new HashMap<>();

  /** Per partition, the offset last committed (consumer thread only). */
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  private volatile boolean lettersToFlush;

  /**
   * @param letters where undecodable records go (the sink's dead letters go there too)
   * @param inFlight the most events being delivered at once
   */
  WebhookDelivery(
      Consumer<byte[], byte[]> consumer,
      Deserializer<Event> values,
      String topic,
      WebhookSink sink,
      Function<String, Optional<AlertRule>> rules,
      EventsMetrics metrics,
      RefusedRecords letters,
      int inFlight) {
    this.values = values;
    this.topic = topic;
    this.sink = sink;
    this.rules = rules;
    this.metrics = metrics;
    this.letters = letters;
    this.inFlight = inFlight;
    this.thread =
        new ConsumerThread<>(
            "webhook-delivery",
            consumer,
            Duration.ofSeconds(2),
            ", reading " + topic,
            () -> consumer.subscribe(List.of(topic), new Rebalance(consumer)),
            this::deliver);
  }

  void start() {
    thread.start();
  }

  /** Whether the thread has ended (false before start and while it runs). */
  boolean stopped() {
    return thread.stopped();
  }

  /** Events being delivered now. */
  int delivering() {
    return delivering.get();
  }

  /** Ready while the delivery thread runs, dead with {@code deadReason} once it ended by itself. */
  Health.Report report(String deadReason) {
    return thread.report(deadReason);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    private final Consumer<byte[], byte[]> consumer;

    Rebalance(Consumer<byte[], byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      finish();
      try {
        commit(consumer, partitions);
      } catch (RuntimeException e) {
        LOG.warn(
            "committing before a rebalance failed ({}); those events are delivered again",
            e.toString());
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    private void forget(Collection<TopicPartition> partitions) {
      for (TopicPartition p : partitions) {
        unfinished.remove(p);
        next.remove(p);
        committed.remove(p);
      }
    }
  }

  private void deliver(Consumer<byte[], byte[]> consumer) throws InterruptedException {
    finish();
    commit(consumer, unfinished.keySet());
    Set<TopicPartition> assigned = consumer.assignment();
    if (delivering.get() >= inFlight) {
      consumer.pause(assigned);
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
    Set<TopicPartition> reread = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition p = new TopicPartition(r.topic(), r.partition());
      if (reread.contains(p)) {
        continue;
      }
      if (!start(r, p)) {
        // the rules cannot be read now: this record and the rest of its partition are read again
        reread.add(p);
        consumer.seek(p, r.offset());
      }
    }
    if (!reread.isEmpty()) {
      Thread.sleep(500);
    }
  }

  /** Starts delivering one record; false when the rules cannot be read now (nothing started). */
  private boolean start(ConsumerRecord<byte[], byte[]> r, TopicPartition p) {
    WebhookSink.SourceRecord source =
        new WebhookSink.SourceRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value());
    Event e;
    try {
      e = values.deserialize(r.topic(), r.value());
    } catch (RuntimeException ex) {
      refuse(source, "event", "the event record cannot be decoded: " + ex.getMessage());
      read(p, r.offset(), true);
      return true;
    }
    java.util.concurrent.CompletableFuture<List<WebhookSink.Outcome>> f;
    try {
      f = sink.deliverAsync(e, rules, source);
    } catch (RulesUnavailable ex) {
      LOG.info(
          "the rules cannot be read now ({}); event {} is read again", ex.getMessage(), r.offset());
      return false;
    } catch (RuntimeException ex) {
      refuse(source, "webhook", "the delivery could not start: " + ex);
      read(p, r.offset(), true);
      return true;
    }
    read(p, r.offset(), false);
    delivering.incrementAndGet();
    f.whenComplete(
        (outcomes, ex) -> {
          if (outcomes != null) {
            for (WebhookSink.Outcome o : outcomes) {
              metrics.webhooks.labelValues(o.delivered() ? "delivered" : "failed").inc();
              if (!o.delivered()) {
                lettersToFlush = true;
              }
            }
          } else {
            refuse(source, "webhook", "the delivery failed: " + ex);
          }
          delivering.decrementAndGet();
          done.add(new Done(p, r.offset()));
        });
    return true;
  }

  private void refuse(WebhookSink.SourceRecord s, String reason, String why) {
    LOG.warn("event record {}-{}@{} dead-lettered: {}", s.topic(), s.partition(), s.offset(), why);
    letters.refuse(s.topic(), s.partition(), s.offset(), s.key(), s.value(), reason, why);
    lettersToFlush = true;
  }

  /** Notes a record read; {@code finished} when nothing is left to do for it. */
  private void read(TopicPartition p, long offset, boolean finished) {
    next.put(p, offset + 1);
    TreeSet<Long> open = unfinished.computeIfAbsent(p, k -> new TreeSet<>());
    if (!finished) {
      open.add(offset);
    }
  }

  /** Takes the deliveries that finished off the unfinished sets (consumer thread). */
  private void finish() {
    Done d;
    while ((d = done.poll()) != null) {
      TreeSet<Long> open = unfinished.get(d.partition());
      if (open != null) {
        open.remove(d.offset());
      }
    }
  }

  /**
   * Commits, for each partition, the offset before which every record is finished, where it moved;
   * the dead letters sent so far are flushed first, so that none is lost to a crash after the
   * commit.
   */
  private void commit(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition p : partitions) {
      TreeSet<Long> open = unfinished.get(p);
      Long after = next.get(p);
      if (after == null) {
        continue;
      }
      long upTo = open == null || open.isEmpty() ? after : open.first();
      Long last = committed.get(p);
      if (last == null || upTo > last) {
        offsets.put(p, new OffsetAndMetadata(upTo));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    if (lettersToFlush) {
      lettersToFlush = false;
      letters.flush();
    }
    consumer.commitSync(offsets, Duration.ofSeconds(30));
    offsets.forEach((p, o) -> committed.put(p, o.offset()));
  }

  /** Stops delivering: wakes the consumer, joins the thread, closes the consumer. */
  @Override
  public void close() {
    thread.close();
  }

  static Map<String, Object> consumerConfig(Map<String, Object> base, int inFlight) {
    base.put("isolation.level", "read_committed");
    base.put("enable.auto.commit", false);
    base.put("auto.offset.reset", "earliest");
    base.put("max.poll.records", Math.max(1, inFlight));
    return base;
  }
}
