package io.openmede.stack.access;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

import io.openmede.schemas.topic.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who talks to the cluster, and the least each needs (DESIGN.md §4b): every role is one SASL/SCRAM
 * user ({@link #user()}) whose ACLs allow only the grants below; the broker's authorizer refuses
 * everything else. The same table renders the {@code kafka-acls} commands and the Strimzi {@code
 * KafkaUser} resources in {@code deploy/} ({@link AclFiles}).
 *
 * <p>Kafka Streams services (recognizer, events) also get their consumer group, their internal
 * topics and their transactional ids (exactly-once), all named by their application id.
 */
public enum Role {
  /** Cameras and files ({@code ingest file|url|camera|synthetic}): write frames. */
  CAMERA("write openmede.frames; read it back to continue a stream's numbering after a restart"),
  /**
   * Dataset and synthetic labeled clips ({@code ingest list}, {@code ingest synthetic --labeled}).
   */
  DATASET("write openmede.labeled-clips"),
  /** The recognizer (Kafka Streams application {@code openmede-recognizer}). */
  RECOGNIZER(
      "read frames, vocabulary, checkpoints; write recognitions, dead letters; its group, internal"
          + " topics and transactional ids"),
  /**
   * The live page, served by a recognizer ({@code recognize --http}): the recognizer's grants plus
   * reading every topic it shows and writing vocabulary, rules and feedback from its forms.
   */
  PAGE(
      "the recognizer's grants; read every topic the page shows; write vocabulary, rules, feedback"),
  /** The trainer: read labeled clips, write checkpoint announcements and dead letters. */
  TRAINER("read labeled clips; write checkpoints, dead letters"),
  /** The labeler: feedback and frames into labeled clips (and new vocabulary entries). */
  LABELER(
      "read feedback, frames, vocabulary; write labeled clips, vocabulary (--add-to-vocabulary),"
          + " dead letters; its group"),
  /** The events service (Kafka Streams application {@code openmede-events}) and its webhooks. */
  EVENTS(
      "read recognitions, rules, frames (clips); write events, clips, dead letters; its groups,"
          + " internal topics and transactional ids"),
  /** People and tools that change the vocabulary, the alert rules and the models. */
  OPERATOR(
      "read every project topic; write vocabulary, rules, checkpoints (promote, roll back),"
          + " feedback; groups openmede-*");

  /** The Kafka Streams application id of the recognizer, as its setting's default. */
  public static final String RECOGNIZER_APPLICATION_ID = "openmede-recognizer";

  /** The Kafka Streams application id of the events service, as its setting's default. */
  public static final String EVENTS_APPLICATION_ID = "openmede-events";

  /** The labeler's consumer group, as its setting's default. */
  public static final String LABELER_GROUP = "openmede-labeler";

  private final String summary;

  Role(String summary) {
    this.summary = summary;
  }

  /** The SCRAM user of the role: {@code openmede-camera}, {@code openmede-recognizer}, ... */
  public String user() {
    return "openmede-" + name().toLowerCase(Locale.ROOT);
  }

  /** The principal the broker sees: {@code User:openmede-camera}. */
  public String principal() {
    return "User:" + user();
  }

  /** What the role may do, in words (README, deploy files). */
  public String summary() {
    return summary;
  }

  /** The role's grants on the topics named {@code t}. */
  public List<Grant> grants(TopicNames t) {
    List<Grant> g = new ArrayList<>();
    switch (this) {
      case CAMERA -> g.add(Grant.topic(t.frames(), WRITE, READ, DESCRIBE));
      case DATASET -> g.add(Grant.topic(t.labeledClips(), WRITE, DESCRIBE));
      case RECOGNIZER -> recognizer(t, g);
      case PAGE -> {
        recognizer(t, g);
        for (String topic :
            List.of(
                t.recognitions(),
                t.deadLetters(),
                t.rules(),
                t.events(),
                t.feedback(),
                t.labeledClips(),
                t.clips())) {
          add(g, Grant.topic(topic, READ, DESCRIBE));
        }
        for (String topic : List.of(t.vocabulary(), t.rules(), t.feedback())) {
          add(g, Grant.topic(topic, WRITE));
        }
      }
      case TRAINER -> {
        g.add(Grant.topic(t.labeledClips(), READ, DESCRIBE));
        g.add(Grant.topic(t.checkpoints(), WRITE, DESCRIBE));
        g.add(Grant.topic(t.deadLetters(), WRITE, DESCRIBE));
      }
      case LABELER -> {
        g.add(Grant.topic(t.feedback(), READ, DESCRIBE));
        g.add(Grant.topic(t.frames(), READ, DESCRIBE));
        g.add(Grant.topic(t.vocabulary(), READ, WRITE, DESCRIBE));
        g.add(Grant.topic(t.labeledClips(), WRITE, DESCRIBE));
        g.add(Grant.topic(t.deadLetters(), WRITE, DESCRIBE));
        g.add(Grant.group(LABELER_GROUP, false, READ));
      }
      case EVENTS -> {
        g.add(Grant.topic(t.recognitions(), READ, DESCRIBE));
        g.add(Grant.topic(t.rules(), READ, DESCRIBE));
        g.add(Grant.topic(t.events(), READ, WRITE, DESCRIBE));
        g.add(Grant.topic(t.frames(), READ, DESCRIBE));
        g.add(Grant.topic(t.clips(), READ, WRITE, DESCRIBE));
        g.add(Grant.topic(t.deadLetters(), WRITE, DESCRIBE));
        // the clip maker's group and transactional id start with the application id too
        streams(EVENTS_APPLICATION_ID, g);
      }
      case OPERATOR -> {
        for (String topic : all(t)) {
          g.add(Grant.topic(topic, READ, DESCRIBE));
        }
        for (String topic : List.of(t.vocabulary(), t.rules(), t.checkpoints(), t.feedback())) {
          add(g, Grant.topic(topic, WRITE));
        }
        g.add(Grant.group("openmede-", true, READ));
      }
    }
    return List.copyOf(g);
  }

  private static void recognizer(TopicNames t, List<Grant> g) {
    g.add(Grant.topic(t.frames(), READ, DESCRIBE));
    g.add(Grant.topic(t.vocabulary(), READ, DESCRIBE));
    g.add(Grant.topic(t.checkpoints(), READ, DESCRIBE));
    g.add(Grant.topic(t.recognitions(), WRITE, DESCRIBE));
    g.add(Grant.topic(t.deadLetters(), WRITE, DESCRIBE));
    streams(RECOGNIZER_APPLICATION_ID, g);
  }

  /** A Kafka Streams application: its group(s), internal topics and transactional ids. */
  private static void streams(String applicationId, List<Grant> g) {
    g.add(Grant.group(applicationId, true, READ, DESCRIBE));
    g.add(Grant.topicsPrefixed(applicationId + "-", ALL));
    g.add(Grant.transactionalIds(applicationId + "-", WRITE, DESCRIBE));
  }

  /** Adds {@code grant}'s operations to a grant on the same resource, or adds it. */
  private static void add(List<Grant> g, Grant grant) {
    for (int i = 0; i < g.size(); i++) {
      Grant have = g.get(i);
      if (have.pattern().equals(grant.pattern())) {
        List<org.apache.kafka.common.acl.AclOperation> ops = new ArrayList<>(have.operations());
        for (var op : grant.operations()) {
          if (!ops.contains(op)) {
            ops.add(op);
          }
        }
        g.set(i, new Grant(have.type(), have.name(), have.prefixed(), ops));
        return;
      }
    }
    g.add(grant);
  }

  private static List<String> all(TopicNames t) {
    return List.of(
        t.frames(),
        t.vocabulary(),
        t.recognitions(),
        t.labeledClips(),
        t.checkpoints(),
        t.deadLetters(),
        t.rules(),
        t.events(),
        t.feedback(),
        t.clips());
  }
}
