package io.openmede.web;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.values.Identifiers;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the live page shows, fed from the topics (and, in the demo, from the trainer in the same
 * process). Thread-safe: every method synchronises on the instance; readers get copies.
 *
 * <p>Memory is bounded: the last {@value #RECENT_FRAMES} frames per stream, the last {@value
 * #HISTORY} points of each curve, swaps, dead letters and events, and {@value #SNAPSHOTS} event
 * snapshots.
 */
public final class LiveState {
  static final int HISTORY = 500;

  /**
   * The most bytes (as encoded on the topic) of checkpoint announcements the model history keeps,
   * and as many again of the checkpoints' curves: the oldest go first. Anyone who can write the
   * checkpoints topic can send announcements of a megabyte each, which the page would otherwise
   * keep {@value #HISTORY} of, and send in every state.
   */
  static final long CHECKPOINT_BYTES = 8L << 20;

  /** The last frame and recognition of one stream. */
  public record StreamView(
      String streamId,
      Optional<byte[]> jpeg,
      long frameSequence,
      Instant frameTime,
      Optional<RecognitionView> recognition,
      long recognitions) {}

  /** One recognition as the page shows it. */
  public record RecognitionView(
      List<LabelView> top,
      String modelVersion,
      long vocabularyVersion,
      double latencyMs,
      long firstSequence,
      long lastSequence,
      Instant windowStart,
      Instant at,
      boolean unknown,
      String openSetScore) {}

  /**
   * One label's score.
   *
   * @param calibrated the calibrated open-set score, null when the model brought no thresholds
   */
  public record LabelView(String label, double probability, double cosine, Double calibrated) {}

  /** A model version seen in recognitions, and when recognitions switched to it. */
  public record SwapView(String fromVersion, String toVersion, Instant at) {}

  /** A point of a trainer curve. */
  public record TrainerPoint(long updates, double loss, double learningRate, Instant at) {}

  /** An event as the page lists it. */
  public record EventView(
      String eventId,
      String state,
      String rule,
      String streamId,
      String label,
      long firstSequence,
      long lastSequence,
      int windows,
      double peakProbability,
      long snapshotSequence,
      boolean hasSnapshot,
      Instant startedAt,
      Instant endedAt,
      String closeReason) {}

  /** Frames kept per stream to find an event's snapshot in. */
  static final int RECENT_FRAMES = 64;

  /** Events whose snapshot frame is kept. */
  static final int SNAPSHOTS = 100;

  /** A dead letter as the page lists it. */
  public record DeadLetterView(String sourceTopic, String service, String error, Instant at) {}

  /**
   * A confirmation or correction and what came of it.
   *
   * @param state {@code sent}, {@code clip made} (the labeler published the clip) or {@code
   *     refused} (the labeler dead-lettered it; {@code why} says why)
   */
  public record FeedbackView(
      String clipId,
      String streamId,
      long firstSequence,
      long lastSequence,
      String label,
      String verdict,
      String sender,
      int partition,
      long offset,
      String state,
      String why,
      Instant sentAt) {
    FeedbackView with(String newState, String newWhy) {
      return new FeedbackView(
          clipId,
          streamId,
          firstSequence,
          lastSequence,
          label,
          verdict,
          sender,
          partition,
          offset,
          newState,
          newWhy,
          sentAt);
    }
  }

  private final Map<String, StreamView> streams = new TreeMap<>();
  // feedback by "partition@offset" on the feedback topic, oldest first
  private final Map<String, FeedbackView> feedback =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FeedbackView> eldest) {
          return size() > HISTORY;
        }
      };
  private final Map<String, VocabularyEntry> vocabulary = new TreeMap<>();

  // a checkpoint announcement with its encoded size, which bounds what the history keeps
  private record Sized(CheckpointAnnouncement announcement, long bytes) {}

  private final Map<String, Sized> checkpoints = new LinkedHashMap<>();
  private long checkpointBytes;
  // every announcement (trainer's and operators'), in topic order: the model history
  private final Deque<Sized> announcements = new ArrayDeque<>();
  private long announcementBytes;
  private final Deque<SwapView> swaps = new ArrayDeque<>();
  private final Deque<TrainerPoint> trainer = new ArrayDeque<>();
  private final Deque<DeadLetterView> deadLetters = new ArrayDeque<>();
  private final Map<String, Long> deadLetterCounts = new TreeMap<>();
  private final Map<String, AlertRule> rules = new TreeMap<>();
  private final Map<String, Deque<RecentFrame>> recentFrames = new TreeMap<>();
  private final Deque<EventView> events = new ArrayDeque<>();
  private final Map<String, byte[]> snapshots =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > SNAPSHOTS;
        }
      };
  private long unreadable;

  private record RecentFrame(long sequence, byte[] jpeg) {}

  private String lastModelVersion;

  /** Keeps the last frame of a batch as the stream's picture. */
  public synchronized void onFrames(FrameBatch batch) {
    List<Frame> frames = batch.getFrames();
    if (frames.isEmpty()) {
      return;
    }
    Frame last = frames.get(frames.size() - 1);
    if (batch.getEncoding() == FrameEncoding.JPEG) {
      Deque<RecentFrame> recent =
          recentFrames.computeIfAbsent(batch.getStreamId(), k -> new ArrayDeque<>());
      for (Frame f : frames) {
        recent.addLast(new RecentFrame(f.getSequence(), bytes(f.getData())));
        while (recent.size() > RECENT_FRAMES) {
          recent.removeFirst();
        }
      }
    }
    Optional<byte[]> jpeg =
        batch.getEncoding() == FrameEncoding.JPEG
            ? Optional.of(bytes(last.getData()))
            : Optional.empty();
    StreamView old = streams.get(batch.getStreamId());
    streams.put(
        batch.getStreamId(),
        new StreamView(
            batch.getStreamId(),
            jpeg,
            last.getSequence(),
            last.getCaptureTime(),
            old == null ? Optional.empty() : old.recognition(),
            old == null ? 0 : old.recognitions()));
  }

  /** Records a recognition, and a swap when the model version differs from the last one seen. */
  public synchronized void onRecognition(Recognition r) {
    List<LabelView> top = new ArrayList<>();
    for (LabelScore s : r.getTop()) {
      top.add(new LabelView(s.getLabel(), s.getProbability(), s.getCosine(), s.getCalibrated()));
    }
    RecognitionView view =
        new RecognitionView(
            List.copyOf(top),
            r.getModelVersion(),
            r.getVocabularyVersion(),
            r.getProcessingLatencyMs(),
            r.getFirstSequence(),
            r.getLastSequence(),
            r.getWindowStart(),
            r.getRecognizedAt(),
            r.getUnknown(),
            r.getOpenSetScore());
    StreamView old = streams.get(r.getStreamId());
    streams.put(
        r.getStreamId(),
        new StreamView(
            r.getStreamId(),
            old == null ? Optional.empty() : old.jpeg(),
            old == null ? r.getLastSequence() : old.frameSequence(),
            old == null ? r.getWindowEnd() : old.frameTime(),
            Optional.of(view),
            (old == null ? 0 : old.recognitions()) + 1));
    if (lastModelVersion != null && !lastModelVersion.equals(r.getModelVersion())) {
      bounded(swaps, new SwapView(lastModelVersion, r.getModelVersion(), r.getRecognizedAt()));
    }
    lastModelVersion = r.getModelVersion();
  }

  /** Applies a vocabulary record; a null value (tombstone) removes the label. */
  public synchronized void onVocabulary(String label, VocabularyEntry entry) {
    if (entry == null) {
      vocabulary.remove(label);
    } else {
      vocabulary.put(label, entry);
    }
  }

  /**
   * Records a checkpoint announcement, in topic order: the model history; a trainer's
   * announcement's evaluation metrics feed the evaluation curves.
   */
  public synchronized void onCheckpoint(CheckpointAnnouncement a, long bytes) {
    if (a == null || a.getModelName() == null || a.getVersion() == null) {
      return;
    }
    Sized kept = new Sized(a, bytes);
    announcements.addLast(kept);
    announcementBytes += bytes;
    while (announcements.size() > HISTORY || announcementBytes > CHECKPOINT_BYTES) {
      announcementBytes -= announcements.removeFirst().bytes();
    }
    if (a.getOperator() == null) {
      Sized was = checkpoints.remove(a.getVersion());
      checkpointBytes -= was == null ? 0 : was.bytes();
      checkpoints.put(a.getVersion(), kept);
      checkpointBytes += bytes;
      while (checkpoints.size() > HISTORY || checkpointBytes > CHECKPOINT_BYTES) {
        checkpointBytes -= checkpoints.remove(checkpoints.keySet().iterator().next()).bytes();
      }
    }
  }

  /**
   * The history of every model line on the checkpoints topic, replayed as recognizers do ({@link
   * ModelHistory}), by line name.
   */
  public synchronized List<ModelHistory> modelHistories() {
    List<CheckpointAnnouncement> all = announcements.stream().map(Sized::announcement).toList();
    return ModelHistory.lines(all).stream().map(line -> ModelHistory.of(line, all)).toList();
  }

  /** Counts a dead letter by source topic and service, and keeps it in the recent list. */
  public synchronized void onDeadLetter(DeadLetter d) {
    deadLetterCounts.merge(d.getSourceTopic() + " (" + d.getService() + ")", 1L, Long::sum);
    bounded(
        deadLetters,
        new DeadLetterView(
            d.getSourceTopic(),
            d.getService(),
            // webhook URLs often carry a secret in their path or query
            io.openmede.events.rules.WebhookAddresses.redactAll(d.getError()),
            d.getFailedAt()));
  }

  /**
   * A feedback record at {@code partition@offset} of the feedback topic (sent, or read back). Other
   * programs write that topic too: its strings are kept cut to {@value #MAX_TEXT} characters.
   */
  public synchronized void onFeedback(Feedback f, int partition, long offset) {
    feedback.putIfAbsent(
        partition + "@" + offset,
        new FeedbackView(
            cut(
                Identifiers.feedbackClipId(
                    f.getStreamId(), f.getFirstSequence(), f.getLastSequence())),
            cut(f.getStreamId()),
            f.getFirstSequence(),
            f.getLastSequence(),
            cut(f.getLabel()),
            f.getVerdict().name().toLowerCase(java.util.Locale.ROOT),
            cut(f.getSender()),
            partition,
            offset,
            "sent",
            null,
            f.getSentAt()));
  }

  /** The labeler refused the feedback record at {@code partition@offset}. */
  public synchronized void onFeedbackRefused(int partition, long offset, String why) {
    feedback.computeIfPresent(partition + "@" + offset, (k, v) -> v.with("refused", cut(why)));
  }

  /** The labeler published the clip {@code clipId}: the feedback waiting for it is done. */
  public synchronized void onFeedbackClip(String clipId) {
    feedback.replaceAll(
        (k, v) ->
            v.clipId().equals(clipId) && v.state().equals("sent") ? v.with("clip made", null) : v);
  }

  /** Applies an alert-rule record; a null value (tombstone) removes the rule. */
  public synchronized void onRule(String name, AlertRule rule) {
    if (rule == null) {
      rules.remove(name);
    } else {
      rules.put(name, rule);
    }
  }

  /**
   * Records an event; its snapshot frame is kept when that frame is still among the stream's recent
   * frames (an event of an episode read long after it happened has none).
   */
  public synchronized void onEvent(Event e) {
    Deque<RecentFrame> recent = recentFrames.get(e.getStreamId());
    if (recent != null) {
      for (RecentFrame f : recent) {
        if (f.sequence() == e.getSnapshotSequence()) {
          snapshots.put(e.getEventId(), f.jpeg());
        }
      }
    }
    bounded(
        events,
        new EventView(
            e.getEventId(),
            e.getState().name(),
            e.getRule(),
            e.getStreamId(),
            e.getLabel(),
            e.getFirstSequence(),
            e.getLastSequence(),
            e.getWindows(),
            e.getPeakProbability(),
            e.getSnapshotSequence(),
            snapshots.containsKey(e.getEventId()),
            e.getStartedAt(),
            e.getEndedAt(),
            e.getCloseReason()));
  }

  /** The snapshot frame of an event, if the page has it. */
  public synchronized Optional<byte[]> eventFrame(String eventId) {
    return Optional.ofNullable(snapshots.get(eventId));
  }

  /** Records a point of the trainer's loss and learning-rate curve. */
  public synchronized void onTrainerProgress(long updates, double loss, double learningRate) {
    bounded(trainer, new TrainerPoint(updates, loss, learningRate, Instant.now()));
  }

  /** Counts a record the page could not read (it is logged by the feed, never hidden). */
  public synchronized void onUnreadable() {
    unreadable++;
  }

  /** A copy of everything, for the page's JSON. */
  public synchronized Map<String, Object> snapshot() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> s = new ArrayList<>();
    for (StreamView v : streams.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("streamId", v.streamId());
      m.put("hasFrame", v.jpeg().isPresent());
      m.put("frameSequence", v.frameSequence());
      m.put("frameTime", v.frameTime().toEpochMilli());
      m.put("recognitions", v.recognitions());
      v.recognition().ifPresent(r -> m.put("recognition", r));
      s.add(m);
    }
    out.put("streams", s);
    List<Map<String, Object>> vocab = new ArrayList<>();
    for (VocabularyEntry e : vocabulary.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", e.getLabel());
      m.put("prompts", List.copyOf(e.getPrompts()));
      m.put("enabled", e.getEnabled());
      m.put("updatedAt", e.getUpdatedAt().toEpochMilli());
      vocab.add(m);
    }
    out.put("vocabulary", vocab);
    List<Map<String, Object>> models = new ArrayList<>();
    for (Sized kept : checkpoints.values()) {
      CheckpointAnnouncement a = kept.announcement();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", a.getVersion());
      m.put("preset", a.getPreset());
      m.put("parentVersion", a.getParentVersion());
      m.put("method", a.getTraining().getMethod());
      m.put("updates", a.getTraining().getUpdates());
      m.put("clips", a.getTraining().getClips());
      m.put("createdAt", a.getCreatedAt().toEpochMilli());
      m.put("metrics", new TreeMap<>(a.getMetrics()));
      models.add(m);
    }
    out.put("checkpoints", models);
    out.put("models", modelHistories().stream().map(ModelHistory::describe).toList());
    out.put("servingVersion", lastModelVersion);
    out.put("swaps", List.copyOf(swaps));
    out.put("trainer", List.copyOf(trainer));
    out.put("deadLetterCounts", new TreeMap<>(deadLetterCounts));
    out.put("deadLetters", List.copyOf(deadLetters));
    List<Map<String, Object>> ruleList = new ArrayList<>();
    for (AlertRule r : rules.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", r.getName());
      m.put("label", r.getLabel());
      m.put("streams", List.copyOf(r.getStreams()));
      m.put("minProbability", r.getMinProbability());
      m.put("minScore", r.getMinScore());
      m.put("minWindows", r.getMinWindows());
      m.put("cooldownMs", r.getCooldownMs());
      m.put("webhooks", r.getWebhooks().size());
      m.put("clipWebhook", r.getClipWebhook());
      m.put("enabled", r.getEnabled());
      ruleList.add(m);
    }
    out.put("rules", ruleList);
    out.put("events", List.copyOf(events));
    out.put("feedback", List.copyOf(feedback.values()));
    out.put("unreadableRecords", unreadable);
    return out;
  }

  /** The last JPEG frame of a stream, if it has one. */
  public synchronized Optional<byte[]> frame(String streamId) {
    StreamView v = streams.get(streamId);
    return v == null ? Optional.empty() : v.jpeg();
  }

  /** The longest text kept from a record other programs may write. */
  static final int MAX_TEXT = 1000;

  private static String cut(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
  }

  private static <T> void bounded(Deque<T> deque, T item) {
    deque.addLast(item);
    while (deque.size() > HISTORY) {
      deque.removeFirst();
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
