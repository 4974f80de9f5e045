package io.openmede.web;

import io.openmede.schemas.topic.Topic;
import io.openmede.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the topics the live page shows into a {@link LiveState}, on its own thread. The vocabulary,
 * checkpoints, dead letters, alert rules and events are read from the beginning (they are state);
 * frames, recognitions, feedback and labeled clips (their keys only, to see the feedback's clips
 * made) from the end (the page shows what happens now). Reads committed records only.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once; {@code close} waits for the thread. A
 * record the page cannot decode is counted and logged, and the feed goes on.
 */
public final class LiveFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);

  private final Map<String, Object> clientConfig;
  private final Topics topics;
  private final LiveState state;
  private final Thread thread;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean stopping;

  public LiveFeed(Map<String, Object> kafkaClientConfig, Topics topics, LiveState state) {
    this.clientConfig = new HashMap<>(kafkaClientConfig);
    this.topics = topics;
    this.state = state;
    this.thread = new Thread(this::loop, "live-feed");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void loop() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("key.deserializer", ByteArrayDeserializer.class.getName());
    config.put("value.deserializer", ByteArrayDeserializer.class.getName());
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", "false");
    config.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
    config.put("client.id", "openmede-live-page");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
      consumer = c;
      if (stopping) {
        return;
      }
      boolean assigned = false;
      while (!stopping) {
        try {
          if (!assigned) {
            assign(c);
            assigned = true;
          }
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            apply(r);
          }
        } catch (WakeupException e) {
          if (!stopping) {
            LOG.warn("live feed woken up unexpectedly; reading on");
          }
        } catch (RuntimeException e) {
          if (stopping) {
            break;
          }
          // the broker away, say: the page shows what it has and reads on when it can
          LOG.warn("live feed: reading failed ({}); retrying in 2 s", e.toString());
          try {
            Thread.sleep(2000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private void assign(KafkaConsumer<byte[], byte[]> c) {
    List<TopicPartition> fromStart = new ArrayList<>();
    List<TopicPartition> fromEnd = new ArrayList<>();
    for (Topic<?, ?> t :
        List.of(
            topics.vocabulary(),
            topics.checkpoints(),
            topics.deadLetters(),
            topics.rules(),
            topics.events())) {
      fromStart.addAll(partitions(c, t.name()));
    }
    for (Topic<?, ?> t :
        List.of(topics.frames(), topics.recognitions(), topics.feedback(), topics.labeledClips())) {
      fromEnd.addAll(partitions(c, t.name()));
    }
    List<TopicPartition> all = new ArrayList<>(fromStart);
    all.addAll(fromEnd);
    c.assign(all);
    c.seekToBeginning(fromStart);
    c.seekToEnd(fromEnd);
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<TopicPartition> out = new ArrayList<>();
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      LOG.warn("topic {} has no partitions yet; the page will not show it", topic);
      return out;
    }
    for (PartitionInfo p : infos) {
      out.add(new TopicPartition(topic, p.partition()));
    }
    return out;
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    String t = r.topic();
    try {
      if (t.equals(topics.frames().name())) {
        state.onFrames(decode(topics.frames(), r));
      } else if (t.equals(topics.recognitions().name())) {
        state.onRecognition(decode(topics.recognitions(), r));
      } else if (t.equals(topics.vocabulary().name())) {
        String label =
            r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        if (label != null) {
          io.openmede.schemas.avro.VocabularyEntry e =
              r.value() == null ? null : decode(topics.vocabulary(), r);
          if (e != null) {
            io.openmede.schemas.values.Labels.entryRefusal(label, e)
                .ifPresent(
                    why -> {
                      throw new IllegalArgumentException("the recognizers refuse it: " + why);
                    });
          }
          state.onVocabulary(label, e);
        }
      } else if (t.equals(topics.checkpoints().name())) {
        if (r.value() != null) {
          io.openmede.schemas.avro.CheckpointAnnouncement a = decode(topics.checkpoints(), r);
          if (a != null) {
            io.openmede.schemas.values.Identifiers.modelNameRefusal(a.getModelName())
                .or(
                    () ->
                        io.openmede.schemas.values.Identifiers.checkpointVersionRefusal(
                            a.getVersion()))
                .ifPresent(
                    why -> {
                      throw new IllegalArgumentException(
                          "not a model history's announcement: " + why);
                    });
          }
          state.onCheckpoint(a, r.value().length);
        }
      } else if (t.equals(topics.deadLetters().name())) {
        io.openmede.schemas.avro.DeadLetter d = decode(topics.deadLetters(), r);
        state.onDeadLetter(d);
        if (d.getSourceTopic().equals(topics.feedback().name())
            && d.getPartition() != null
            && d.getOffset() != null) {
          state.onFeedbackRefused(d.getPartition(), d.getOffset(), d.getError());
        }
      } else if (t.equals(topics.feedback().name())) {
        if (r.value() != null) {
          state.onFeedback(decode(topics.feedback(), r), r.partition(), r.offset());
        }
      } else if (t.equals(topics.labeledClips().name())) {
        // only the key is read (the clip id): the frames are the trainer's business
        String id =
            r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        if (io.openmede.schemas.values.Identifiers.isFeedbackClip(id)) {
          state.onFeedbackClip(id);
        }
      } else if (t.equals(topics.rules().name())) {
        String name =
            r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
        if (name != null) {
          io.openmede.schemas.avro.AlertRule rule =
              r.value() == null ? null : decode(topics.rules(), r);
          if (rule != null) {
            io.openmede.events.rules.AlertRules.refusal(name, rule)
                .ifPresent(
                    why -> {
                      throw new IllegalArgumentException("the events service refuses it: " + why);
                    });
          }
          state.onRule(name, rule);
        }
      } else if (t.equals(topics.events().name())) {
        state.onEvent(decode(topics.events(), r));
      }
    } catch (RuntimeException e) {
      state.onUnreadable();
      LOG.warn(
          "live page cannot read {}-{}@{}: {} (the services route such records to dead letters)",
          t,
          r.partition(),
          r.offset(),
          e.getMessage());
    }
  }

  private static <V> V decode(Topic<?, V> topic, ConsumerRecord<byte[], byte[]> r) {
    return topic.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value());
  }

  /** The topics this feed reads. */
  public Set<String> topicNames() {
    return Set.of(
        topics.frames().name(),
        topics.recognitions().name(),
        topics.vocabulary().name(),
        topics.checkpoints().name(),
        topics.deadLetters().name(),
        topics.rules().name(),
        topics.events().name(),
        topics.feedback().name(),
        topics.labeledClips().name());
  }

  @Override
  public void close() {
    stopping = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
