package io.openmede.schemas.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of a catalog that do not exist yet, with their partitions, cleanup policy and
 * {@code max.message.bytes}. Idempotent: existing topics are left as they are (a topic with fewer
 * partitions than configured is reported in the log, never altered). The replication factor is the
 * broker's {@code default.replication.factor}.
 */
public final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  private final Admin admin;
  private final Duration timeout;

  /**
   * @param admin the admin client to create topics with; the caller closes it
   * @param timeout how long to wait for the broker
   */
  public TopicProvisioner(Admin admin, Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** Creates the missing topics of {@code topics}; returns the names of those it created. */
  public List<String> ensure(Topics topics) {
    return ensure(topics.all());
  }

  /** Creates the missing topics among {@code topics}; returns the names of those it created. */
  public List<String> ensure(Collection<? extends Topic<?, ?>> topics) {
    try {
      Set<String> existing = admin.listTopics().names().get(millis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : topics) {
        if (existing.contains(topic.name())) {
          warnIfFewerPartitions(topic);
        } else {
          missing.add(newTopic(topic));
        }
      }
      List<String> created = new ArrayList<>();
      if (missing.isEmpty()) {
        return created;
      }
      CreateTopicsResult result = admin.createTopics(missing);
      for (Map.Entry<String, ? extends org.apache.kafka.common.KafkaFuture<Void>> e :
          result.values().entrySet()) {
        try {
          e.getValue().get(millis(), TimeUnit.MILLISECONDS);
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw ex; // created by someone else meanwhile is fine; anything else is not
          }
        }
      }
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topics: "
              + e.getCause().getMessage()
              + " — check bootstrap.servers"
              + " and that this client may create topics",
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no answer from the Kafka cluster within "
              + timeout
              + " while creating topics — check"
              + " bootstrap.servers",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /** The {@link NewTopic} for {@code topic}: its partitions, cleanup policy and message size. */
  public static NewTopic newTopic(Topic<?, ?> topic) {
    Map<String, String> configs = new HashMap<>();
    configs.put(
        TopicConfig.CLEANUP_POLICY_CONFIG,
        topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
    configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(topic.maxMessageBytes()));
    return new NewTopic(topic.name(), Optional.of(topic.partitions()), Optional.empty())
        .configs(configs);
  }

  private void warnIfFewerPartitions(Topic<?, ?> topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    int actual =
        admin
            .describeTopics(List.of(topic.name()))
            .allTopicNames()
            .get(millis(), TimeUnit.MILLISECONDS)
            .get(topic.name())
            .partitions()
            .size();
    if (actual < topic.partitions()) {
      LOG.warn(
          "topic {} exists with {} partitions, fewer than the configured {}; left unchanged",
          topic.name(),
          actual,
          topic.partitions());
    }
  }

  private long millis() {
    return timeout.toMillis();
  }
}
