package io.openmede.schemas.checkpoint;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.topic.Cluster;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The history of one model line as the checkpoints topic holds it: every announced version in the
 * order it was first announced (the trainer's announcement, promoted or held back), each with the
 * operator decisions on it; and which version a recognizer following the topic serves, found by
 * replaying the topic with the recognizers' rules ({@link CheckpointOrder}: held-back candidates
 * are not installed, nor older checkpoints, nor trainer checkpoints while pinned or created before
 * an operator's promote or rollback; each operator decision is applied once, in decision order).
 * Signatures are not checked here: what a recognizer serves also depends on the keys it trusts, and
 * its own report (its {@code openmede_recognizer_model_info} metric) is the truth.
 *
 * <p>Shared by {@code openmede model list|promote|rollback|unpin} and the live page's model
 * history, so that both show the same versions, figures and serving version.
 *
 * <p>The topic is compacted: once the broker compacts it, only the latest announcement per key
 * remains (the trainer's latest, its latest held-back candidate, the latest operator decision), so
 * older versions drop out of the history.
 */
public final class ModelHistory {

  /**
   * One announced version.
   *
   * @param announcement the trainer's first announcement of the version (or, when the topic holds
   *     only operator decisions on it, the first of them)
   * @param decisions the operator decisions on it, in topic order
   */
  public record Entry(CheckpointAnnouncement announcement, List<OperatorDecision> decisions) {
    public String version() {
      return announcement.getVersion();
    }
  }

  private final String model;
  private final List<Entry> entries;
  private final Optional<String> serving;
  private final boolean pinned;

  private ModelHistory(
      String model, List<Entry> entries, Optional<String> serving, boolean pinned) {
    this.model = model;
    this.entries = List.copyOf(entries);
    this.serving = serving;
    this.pinned = pinned;
  }

  /** The history of {@code model} from announcements in topic order (other lines are skipped). */
  public static ModelHistory of(String model, List<CheckpointAnnouncement> inTopicOrder) {
    Map<String, CheckpointAnnouncement> first = new LinkedHashMap<>();
    Map<String, List<OperatorDecision>> decisions = new LinkedHashMap<>();
    Replay replay = new Replay(model);
    for (CheckpointAnnouncement a : inTopicOrder) {
      if (!model.equals(a.getModelName())) {
        continue;
      }
      String v = a.getVersion();
      OperatorDecision op = a.getOperator();
      if (op == null) {
        // the version's first trainer announcement wins over operator copies, and over a later one
        // of the same version: an operator's promote signs what it names
        CheckpointAnnouncement had = first.get(v);
        if (had == null || had.getOperator() != null) {
          first.put(v, a);
        }
      } else {
        first.putIfAbsent(v, a);
        decisions.computeIfAbsent(v, k -> new ArrayList<>()).add(op);
      }
      replay.accept(a);
    }
    List<Entry> entries = new ArrayList<>();
    first.forEach((v, a) -> entries.add(new Entry(a, decisions.getOrDefault(v, List.of()))));
    return new ModelHistory(model, entries, replay.serving(), replay.pinned());
  }

  /**
   * What a recognizer following the topic does ({@code CheckpointInstaller}), one announcement at a
   * time and in constant memory: which version of one model line it serves, and whether an operator
   * pinned it. Announcements of other lines are ignored. Not thread-safe.
   */
  public static final class Replay {
    private final String model;
    private CheckpointAnnouncement serving;
    private boolean pinned;
    private Instant lastDecision;
    private Instant supersededBefore;
    private CheckpointAnnouncement latestTrainer;

    /** Serving the initial weights of {@code model}, nothing pinned. */
    public Replay(String model) {
      this.model = model;
    }

    /** Applies the next announcement in topic order. */
    public void accept(CheckpointAnnouncement a) {
      if (!model.equals(a.getModelName())) {
        return;
      }
      OperatorDecision op = a.getOperator();
      if (op != null) {
        Instant at = op.getDecidedAt();
        if (at == null || (lastDecision != null && !at.isAfter(lastDecision))) {
          return;
        }
        lastDecision = at;
        if (op.getAction().equals("unpin")) {
          pinned = false;
          supersededBefore = null;
          if (latestTrainer != null
              && (serving == null || CheckpointOrder.AGE.compare(latestTrainer, serving) >= 0)) {
            serving = latestTrainer;
          }
        } else {
          serving = a;
          pinned = op.getAction().equals("rollback");
          supersededBefore = at;
        }
      } else if (!CheckpointOrder.heldBack(a)
          && (serving == null || CheckpointOrder.AGE.compare(a, serving) >= 0)) {
        if (latestTrainer == null || CheckpointOrder.AGE.compare(a, latestTrainer) > 0) {
          latestTrainer = a;
        }
        boolean superseded =
            supersededBefore != null
                && a.getCreatedAt() != null
                && a.getCreatedAt().isBefore(supersededBefore);
        if (!pinned && !superseded) {
          serving = a;
        }
      }
    }

    /** The version served, or empty while the initial weights serve. */
    public Optional<String> serving() {
      return Optional.ofNullable(serving).map(CheckpointAnnouncement::getVersion);
    }

    /** Whether an operator's rollback pins the serving version. */
    public boolean pinned() {
      return pinned;
    }
  }

  /** The model line. */
  public String model() {
    return model;
  }

  /** Every version, in the order first announced. */
  public List<Entry> entries() {
    return entries;
  }

  /** The entry of {@code version}, if the topic holds it. */
  public Optional<Entry> find(String version) {
    return entries.stream().filter(e -> e.version().equals(version)).findFirst();
  }

  /**
   * The version a recognizer following the topic serves (trusting every signature), or empty when
   * it serves its initial weights.
   */
  public Optional<String> serving() {
    return serving;
  }

  /** Whether an operator's rollback pins the serving version. */
  public boolean pinned() {
    return pinned;
  }

  /**
   * The history as JSON-ready maps (what {@code openmede model list --json} prints besides the
   * recognizers' reports, and what the live page shows): the model line, the serving version and
   * pin, and each version with its parent, method, updates, clips, creation time, status, gate
   * (serving version compared with, reason, figures, and the figures per clip set), operator
   * decisions and whether it serves.
   */
  public Map<String, Object> describe() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", model);
    root.put("serving", serving.orElse(null));
    root.put("pinned", pinned);
    List<Map<String, Object>> versions = new ArrayList<>();
    for (Entry e : entries) {
      CheckpointAnnouncement a = e.announcement();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", a.getVersion());
      m.put("parent", a.getParentVersion());
      m.put("method", a.getTraining() == null ? null : a.getTraining().getMethod());
      m.put("updates", a.getTraining() == null ? null : a.getTraining().getUpdates());
      m.put("clips", a.getTraining() == null ? null : a.getTraining().getClips());
      m.put("createdAt", a.getCreatedAt() == null ? null : a.getCreatedAt().toString());
      m.put("status", a.getStatus() == null ? null : a.getStatus().name());
      if (a.getGate() != null) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("servingVersion", a.getGate().getServingVersion());
        g.put("reason", a.getGate().getReason());
        Map<String, Double> f = figures(a);
        g.put("figures", f);
        List<Map<String, Object>> sets = new ArrayList<>();
        for (String set : sets(f)) {
          Map<String, Object> sm = new LinkedHashMap<>();
          sm.put("set", set);
          sm.put("candidate", f.get(set + ".candidate.top1"));
          sm.put("serving", f.get(set + ".serving.top1"));
          sm.put("videos", f.get(set + ".videos"));
          sm.put("pWorse", f.get(set + ".p-worse"));
          sets.add(sm);
        }
        g.put("sets", sets);
        m.put("gate", g);
      } else {
        m.put("gate", null);
      }
      List<Map<String, Object>> ds = new ArrayList<>();
      for (OperatorDecision d : e.decisions()) {
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("action", d.getAction());
        dm.put("pinned", d.getPinned());
        dm.put("keyId", d.getKeyId());
        dm.put("decidedAt", d.getDecidedAt() == null ? null : d.getDecidedAt().toString());
        ds.add(dm);
      }
      m.put("operator", ds);
      m.put("serving", serving.map(v -> v.equals(a.getVersion())).orElse(false));
      versions.add(m);
    }
    root.put("versions", versions);
    return root;
  }

  /** The gate's figures of {@code a} ({@code base.candidate.top1}, ...), empty without a gate. */
  public static Map<String, Double> figures(CheckpointAnnouncement a) {
    Map<String, Double> f = new LinkedHashMap<>();
    if (a.getGate() != null && a.getGate().getFigures() != null) {
      a.getGate().getFigures().forEach((k, v) -> f.put(k.toString(), v));
    }
    return f;
  }

  /** "base 0.583/0.333 n=24 p=0.046 · guard ..." or "-". */
  public static String figureText(CheckpointAnnouncement a) {
    Map<String, Double> f = figures(a);
    List<String> parts = new ArrayList<>();
    for (String s : sets(f)) {
      StringBuilder b = new StringBuilder(s).append(' ');
      b.append(fmt(f.get(s + ".candidate.top1")))
          .append('/')
          .append(fmt(f.get(s + ".serving.top1")));
      Double n = f.get(s + ".videos");
      if (n != null) {
        b.append(" n=").append(n.longValue());
      }
      Double p = f.get(s + ".p-worse");
      if (p != null) {
        b.append(" p=").append(fmt(p));
      }
      parts.add(b.toString());
    }
    return parts.isEmpty() ? "-" : String.join("; ", parts);
  }

  private static String fmt(Double d) {
    return d == null ? "?" : String.format(Locale.ROOT, "%.3f", d);
  }

  /** The clip sets of the gate's figures, base, feedback and guard first. */
  public static List<String> sets(Map<String, Double> figures) {
    TreeSet<String> found = new TreeSet<>();
    figures.keySet().stream()
        .filter(k -> k.endsWith(".candidate.top1"))
        .forEach(k -> found.add(k.substring(0, k.length() - ".candidate.top1".length())));
    List<String> ordered = new ArrayList<>();
    for (String s : List.of("base", "feedback", "guard")) {
      if (found.remove(s)) {
        ordered.add(s);
      }
    }
    ordered.addAll(found);
    return ordered;
  }

  /** Every announcement on the checkpoints topic, in topic order, decoded; others are reported. */
  public static List<CheckpointAnnouncement> read(Cluster cluster, PrintWriter err) {
    List<CheckpointAnnouncement> out = new ArrayList<>();
    read(cluster, err, out::add);
    return out;
  }

  /**
   * Gives every announcement on the checkpoints topic to {@code each}, in topic order, as it is
   * decoded (nothing is kept here: a topic of any size is read in the memory of one record); others
   * are reported on {@code err}.
   *
   * @throws IllegalStateException when the topic cannot be read to its end within 60 s
   */
  public static void read(
      Cluster cluster, PrintWriter err, java.util.function.Consumer<CheckpointAnnouncement> each) {
    String topic = cluster.topics().checkpoints().name();
    Deserializer<CheckpointAnnouncement> values =
        cluster.topics().checkpoints().valueSerde().deserializer();
    Map<String, Object> cc = cluster.consumerConfig("openmede-model-list");
    cc.remove("group.id");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out reading " + topic + "; is the broker reachable?");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            continue;
          }
          try {
            CheckpointAnnouncement a = values.deserialize(topic, r.value());
            if (a != null && a.getModelName() != null && a.getVersion() != null) {
              each.accept(a);
            }
          } catch (RuntimeException e) {
            err.println(
                "model: skipped the record at "
                    + topic
                    + "-"
                    + r.partition()
                    + "@"
                    + r.offset()
                    + ", as recognizers do: not a checkpoint announcement ("
                    + e.getMessage()
                    + ")");
          }
        }
      }
    }
  }

  /** The model lines on the topic, sorted. */
  public static List<String> lines(List<CheckpointAnnouncement> announcements) {
    TreeSet<String> names = new TreeSet<>();
    announcements.forEach(a -> names.add(a.getModelName()));
    return List.copyOf(names);
  }
}
