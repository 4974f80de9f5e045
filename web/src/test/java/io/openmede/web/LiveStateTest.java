package io.openmede.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveStateTest {

  static FrameBatch batch(String stream, long first, int n) {
    List<Frame> frames = new ArrayList<>();
    for (long s = first; s < first + n; s++) {
      frames.add(
          Frame.newBuilder()
              .setSequence(s)
              .setCaptureTime(Instant.ofEpochMilli(125 * s))
              .setData(ByteBuffer.wrap(("jpeg-" + s).getBytes()))
              .build());
    }
    return FrameBatch.newBuilder()
        .setStreamId(stream)
        .setBatchSequence(first / n)
        .setWidth(4)
        .setHeight(4)
        .setEncoding(FrameEncoding.JPEG)
        .setFrames(frames)
        .build();
  }

  static Event event(String id, String stream, long snapshot) {
    return Event.newBuilder()
        .setEventId(id)
        .setRule("falls")
        .setStreamId(stream)
        .setLabel("falling")
        .setState(EventState.OPENED)
        .setFirstSequence(0)
        .setLastSequence(7)
        .setStartedAt(Instant.ofEpochMilli(0))
        .setEndedAt(Instant.ofEpochMilli(875))
        .setWindows(1)
        .setPeakProbability(0.9)
        .setSnapshotSequence(snapshot)
        .setEmittedAt(Instant.ofEpochMilli(900))
        .build();
  }

  @Test
  void deadLetters_showWebhookUrlsWithoutTheirPathOrQuery() {
    LiveState state = new LiveState();
    state.onDeadLetter(
        io.openmede.schemas.avro.DeadLetter.newBuilder()
            .setSourceTopic("openmede.events")
            .setError(
                "refused (webhook): not delivered to https://hooks.example.com/services/S3CRET?k=v"
                    + " after 5 tries: HTTP 500")
            .setErrorClass("x")
            .setService("events")
            .setFailedAt(java.time.Instant.ofEpochMilli(1))
            .build());
    @SuppressWarnings("unchecked")
    List<LiveState.DeadLetterView> letters =
        (List<LiveState.DeadLetterView>) state.snapshot().get("deadLetters");
    assertThat(letters.get(0).error())
        .contains("https://hooks.example.com/\u2026 after 5 tries")
        .doesNotContain("S3CRET");
  }

  @Test
  void anEventKeepsItsSnapshotFrameWhileTheFrameIsRecent() {
    LiveState state = new LiveState();
    for (long b = 0; b < 20; b++) {
      state.onFrames(batch("cam-1", 8 * b, 8)); // 160 frames, the last 64 are kept
    }
    state.onEvent(event("falls/cam-1/150", "cam-1", 150));
    state.onEvent(event("falls/cam-1/3", "cam-1", 3)); // long gone
    state.onEvent(event("falls/cam-9/3", "cam-9", 3)); // a stream never seen
    assertThat(state.eventFrame("falls/cam-1/150"))
        .hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("jpeg-150"));
    assertThat(state.eventFrame("falls/cam-1/3")).isEmpty();
    assertThat(state.eventFrame("falls/cam-9/3")).isEmpty();
    @SuppressWarnings("unchecked")
    List<LiveState.EventView> events = (List<LiveState.EventView>) state.snapshot().get("events");
    assertThat(events)
        .extracting(LiveState.EventView::hasSnapshot)
        .containsExactly(true, false, false);
  }

  @Test
  void rulesAreListedAndATombstoneRemovesOne() {
    LiveState state = new LiveState();
    state.onRule(
        "falls",
        AlertRule.newBuilder()
            .setName("falls")
            .setLabel("falling")
            .setMinProbability(0.7)
            .setMinWindows(3)
            .setStreams(List.of("camera-*"))
            .setUpdatedAt(Instant.ofEpochMilli(1))
            .build());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rules = (List<Map<String, Object>>) state.snapshot().get("rules");
    assertThat(rules)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r).containsEntry("name", "falls").containsEntry("minWindows", 3);
              assertThat(r.get("streams")).isEqualTo(List.of("camera-*"));
            });
    state.onRule("falls", null);
    assertThat((List<?>) state.snapshot().get("rules")).isEmpty();
  }

  @Test
  void feedback_isSentThenClipMadeOrRefused_byItsOffset_andReadBackOnlyOnce() {
    LiveState state = new LiveState();
    var a =
        io.openmede.schemas.feedback.FeedbackRecords.build(
            "cam-1",
            0,
            7,
            java.util.Optional.empty(),
            "waving",
            io.openmede.schemas.avro.FeedbackVerdict.CORRECT,
            false,
            "live page");
    var b =
        io.openmede.schemas.feedback.FeedbackRecords.build(
            "cam-1",
            8,
            15,
            java.util.Optional.empty(),
            "falling",
            io.openmede.schemas.avro.FeedbackVerdict.CONFIRM,
            false,
            "cli");
    state.onFeedback(a, 0, 10);
    state.onFeedback(a, 0, 10); // read back by the feed after the page sent it
    state.onFeedback(b, 0, 11);
    state.onFeedbackClip("feedback:cam-1:0-7");
    state.onFeedbackRefused(0, 11, "refused (expired): the frames are gone");
    state.onFeedbackRefused(0, 99, "not ours");
    @SuppressWarnings("unchecked")
    List<LiveState.FeedbackView> views =
        (List<LiveState.FeedbackView>) state.snapshot().get("feedback");
    assertThat(views).hasSize(2);
    assertThat(views.get(0).clipId()).isEqualTo("feedback:cam-1:0-7");
    assertThat(views.get(0).state()).isEqualTo("clip made");
    assertThat(views.get(0).verdict()).isEqualTo("correct");
    assertThat(views.get(1).state()).isEqualTo("refused");
    assertThat(views.get(1).why()).contains("expired");
    assertThat(views.get(1).sender()).isEqualTo("cli");

    // a record of another program with a huge stream id and sender: kept cut, the page goes on
    var huge =
        io.openmede.schemas.avro.Feedback.newBuilder(b)
            .setStreamId("s".repeat(1_000_000))
            .setSender("x".repeat(1_000_000))
            .build();
    state.onFeedback(huge, 0, 12);
    @SuppressWarnings("unchecked")
    List<LiveState.FeedbackView> after =
        (List<LiveState.FeedbackView>) state.snapshot().get("feedback");
    assertThat(after).hasSize(3);
    assertThat(after.get(2).streamId()).hasSizeLessThanOrEqualTo(LiveState.MAX_TEXT + 1);
    assertThat(after.get(2).clipId()).hasSizeLessThanOrEqualTo(LiveState.MAX_TEXT + 1);
    assertThat(after.get(2).sender()).hasSizeLessThanOrEqualTo(LiveState.MAX_TEXT + 1);
  }

  static io.openmede.schemas.avro.CheckpointAnnouncement announcement(String version, String why) {
    return io.openmede.schemas.avro.CheckpointAnnouncement.newBuilder()
        .setModelName("openmede-tiny")
        .setVersion(version)
        .setUri("file:///store/" + version + "/weights.safetensors")
        .setSha256("ab".repeat(32))
        .setSizeBytes(1000)
        .setPreset("tiny")
        .setTraining(
            io.openmede.schemas.avro.TrainingSummary.newBuilder()
                .setMethod("open-mede")
                .setUpdates(40)
                .setClips(320)
                .setOffsets(Map.of())
                .setMu(1)
                .setSigma(1)
                .setCycleSnapshots(2)
                .setSnapshotInterval(10)
                .setAlpha(1e-4)
                .setBeta(1e-4)
                .setDelta(1.67e-3)
                .build())
        .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setStatus(io.openmede.schemas.avro.CheckpointStatus.HELD_BACK)
        .setGate(
            io.openmede.schemas.avro.GateDecision.newBuilder()
                .setReason(why)
                .setFigures(Map.of("base.candidate.top1", Double.NaN))
                .build())
        .build();
  }

  @Test
  void checkpointAnnouncementsOfAMegabyteEach_areKeptWithinTheByteBound_newestFirst()
      throws Exception {
    LiveState state = new LiveState();
    String huge = "<script>alert(1)</script>".repeat(40_000); // a megabyte of reason
    for (int i = 0; i < 300; i++) {
      state.onCheckpoint(announcement("u" + i, huge), huge.length() + 200);
    }
    byte[] json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .findAndRegisterModules()
            .writeValueAsBytes(state.snapshot());
    // before: 300 announcements kept twice over, 600 MB of JSON in every state
    assertThat((long) json.length).isLessThan(4 * LiveState.CHECKPOINT_BYTES);
    List<String> versions =
        state.modelHistories().get(0).entries().stream().map(e -> e.version()).toList();
    assertThat(versions).isNotEmpty().endsWith("u299");
    assertThat(versions.size()).isLessThanOrEqualTo(8);
  }
}
