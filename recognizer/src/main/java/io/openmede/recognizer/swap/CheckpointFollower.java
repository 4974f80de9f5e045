package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the checkpoints topic on its own thread and installs the newest announcement of one model
 * name. Reads every partition from the beginning without a consumer group (the topic is compacted:
 * its latest record per model is the current checkpoint); of the announcements in one poll only the
 * last per model is installed. A refused version is not tried again.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} to stop (joins the thread).
 */
public final class CheckpointFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFollower.class);

  private final Consumer<String, CheckpointAnnouncement> consumer;
  private final String topic;
  private final String modelName;
  private final CheckpointInstaller<?> installer;
  private final Set<String> refused = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param consumer a consumer this follower owns (closed by {@link #close()}), configured with
   *     {@code isolation.level=read_committed} and no auto-commit
   */
  public CheckpointFollower(
      Consumer<String, CheckpointAnnouncement> consumer,
      String topic,
      String modelName,
      CheckpointInstaller<?> installer) {
    this.consumer = consumer;
    this.topic = topic;
    this.modelName = modelName;
    this.installer = installer;
    this.thread = new Thread(this::run, "checkpoint-follower");
    this.thread.setDaemon(true);
  }

  /** Starts following. */
  public void start() {
    thread.start();
  }

  /** Whether the follower's thread has ended (false before {@link #start} and while it runs). */
  public boolean stopped() {
    return thread.getState() == Thread.State.TERMINATED;
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        ConsumerRecords<String, CheckpointAnnouncement> records =
            consumer.poll(Duration.ofMillis(200));
        Map<String, CheckpointAnnouncement> latest = new LinkedHashMap<>();
        for (ConsumerRecord<String, CheckpointAnnouncement> r : records) {
          if (r.value() != null && modelName.equals(r.value().getModelName())) {
            latest.put(r.value().getModelName(), r.value());
          }
        }
        for (CheckpointAnnouncement a : latest.values()) {
          consider(a);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("checkpoint follower woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("checkpoint follower stopped; the current model keeps serving", e);
    }
  }

  /** Installs {@code a} unless it is served already or was refused before. */
  public void consider(CheckpointAnnouncement a) {
    String version = a.getVersion();
    if (version.equals(installer.servingVersion()) || refused.contains(version)) {
      return;
    }
    try {
      installer.install(a);
    } catch (CheckpointRefusedException e) {
      refused.add(version);
    }
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
  }
}
