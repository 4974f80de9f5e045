package io.openmede.bench.faults;

import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.avro.Feedback;
import io.openmede.schemas.avro.FeedbackVerdict;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.topic.Topic;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The labeler's and the trainer's part of the campaign: bad feedback (for the labeler), bad labeled
 * clips (for the trainer), and the checks that good feedback for a camera's recognized window still
 * becomes a labeled clip, which the trainer still reads.
 */
final class ClipFaults {

  static final String LABELER = "labeler";
  static final String TRAINER = "trainer";

  /** Frames of every labeled clip (trainer.frames, its default). */
  static final int CLIP_FRAMES = 8;

  private ClipFaults() {}

  /** Bad feedback: an unknown stream, garbage bytes, a label of 900 KB. */
  static FaultGroup badFeedback(FaultRig rig) {
    Topic<String, Feedback> feedback = rig.cluster.topics().feedback();
    RecordSender send = rig.sender;
    String counter = "openmede_labeler_refused_total";
    String label = EventsFaults.LABELS.get(1);
    return FaultGroup.badInput(
        feedback.name(),
        "feedback",
        List.of(
            new ServiceRefusal(
                "feedback: a window of a stream that never sent a frame",
                LABELER,
                feedback.name(),
                counter,
                () ->
                    send.record(
                        feedback,
                        "faults-no-such-camera",
                        feedback("faults-no-such-camera", 0, 7, label))),
            new ServiceRefusal(
                "feedback: garbage bytes",
                LABELER,
                feedback.name(),
                counter,
                () ->
                    send.raw(
                        feedback.name(),
                        RecordSender.bytes("faults-garbage"),
                        RecordSender.notAvro())),
            new ServiceRefusal(
                "feedback: a label of 900 KB",
                LABELER,
                feedback.name(),
                counter,
                () -> {
                  WindowKey w = recentWindow(rig);
                  return send.record(
                      feedback,
                      w.stream(),
                      feedback(
                          w.stream(),
                          w.firstSequence(),
                          lastSequence(rig, w),
                          "x".repeat(900_000)));
                })),
        (r, after) -> goodFeedbackBecomesAClip(r, false));
  }

  /** Bad labeled clips: a label of 1 MiB, a JPEG declaring 65535x65535, tall-thin RGB, a frame. */
  static FaultGroup badClips(FaultRig rig) {
    Topic<String, LabeledClip> clips = rig.cluster.topics().labeledClips();
    RecordSender send = rig.sender;
    String counter = "openmede_trainer_dead_letters_total";
    String label = EventsFaults.LABELS.get(1);
    List<FaultCase> cases = new ArrayList<>();
    cases.add(
        new ServiceRefusal(
            "labeled clips: a held-out clip with a 1 MiB label",
            TRAINER,
            clips.name(),
            counter,
            () -> {
              LabeledClip c = clip("faults-huge-label", "y".repeat(1 << 20), rgb(16, 16));
              c.setSplit("eval");
              return send.record(clips, "faults-huge-label", c);
            }));
    cases.add(
        new ServiceRefusal(
            "labeled clips: a JPEG declaring 65535x65535",
            TRAINER,
            clips.name(),
            counter,
            () -> {
              LabeledClip c = clip("faults-jpeg-bomb", label, List.of());
              c.setEncoding(FrameEncoding.JPEG);
              List<ByteBuffer> frames = new ArrayList<>();
              for (int k = 0; k < CLIP_FRAMES; k++) {
                frames.add(ByteBuffer.wrap(jpegHeader(65535, 65535)));
              }
              c.setFrames(frames);
              return send.record(clips, "faults-jpeg-bomb", c);
            }));
    cases.add(
        new ServiceRefusal(
            "labeled clips: RGB frames 1 x 250,000",
            TRAINER,
            clips.name(),
            counter,
            () -> {
              LabeledClip c = clip("faults-tall-thin", label, List.of());
              c.setWidth(1);
              c.setHeight(250_000);
              List<ByteBuffer> frames = new ArrayList<>();
              for (int k = 0; k < CLIP_FRAMES; k++) {
                frames.add(ByteBuffer.wrap(new byte[250_000 * 3]));
              }
              c.setFrames(frames);
              return send.record(clips, "faults-tall-thin", c);
            }));
    cases.add(
        new ServiceRefusal(
            "labeled clips: a feedback record (another topic's schema)",
            TRAINER,
            clips.name(),
            counter,
            () ->
                send.raw(
                    clips.name(),
                    RecordSender.bytes("faults-wrong-schema"),
                    send.bytesOf(
                        rig.cluster.topics().feedback(), feedback("faults-x", 0, 7, label)))));
    return FaultGroup.badInput(
        clips.name(), "labeled clip", cases, (r, after) -> goodFeedbackBecomesAClip(r, true));
  }

  /**
   * Sends good feedback for a camera's window recognized lately, then waits until the labeler made
   * a clip of it (and, with {@code trainerToo}, the trainer read a feedback clip) within the bound.
   */
  static Optional<String> goodFeedbackBecomesAClip(FaultRig rig, boolean trainerToo)
      throws Exception {
    ServiceInstances.Service labeler = rig.services().get(LABELER);
    ServiceInstances.Service trainer = rig.services().get(TRAINER);
    String made = "openmede_labeler_clips_total";
    String read = "openmede_trainer_feedback_clips_total";
    double madeBefore = rig.metrics.sum(labeler.port, made);
    double readBefore = rig.metrics.sum(trainer.port, read);
    WindowKey w = recentWindow(rig);
    long t0 = System.nanoTime();
    rig.sender.record(
        rig.cluster.topics().feedback(),
        w.stream(),
        feedback(w.stream(), w.firstSequence(), lastSequence(rig, w), EventsFaults.LABELS.get(1)));
    long end = t0 + rig.options.bound().toNanos();
    while (System.nanoTime() < end && rig.allServicesAlive()) {
      boolean clip = rig.metrics.sum(labeler.port, made) > madeBefore;
      boolean trained = !trainerToo || rig.metrics.sum(trainer.port, read) > readBefore;
      if (clip && trained) {
        rig.progress.line(
            "feedback continues: good feedback for %s became a labeled clip%s in %.1f s",
            w, trainerToo ? " that the trainer read" : "", (System.nanoTime() - t0) / 1e9);
        return Optional.empty();
      }
      Thread.sleep(250);
    }
    String why =
        !rig.allServicesAlive()
            ? "a service died"
            : "good feedback for "
                + w
                + " became no labeled clip"
                + (trainerToo ? " read by the trainer" : "")
                + " within "
                + rig.options.bound().toSeconds()
                + " s";
    rig.progress.line("feedback does NOT continue: %s", why);
    return Optional.of(why);
  }

  /** A window of the first camera recognized lately (its frames are on the frames topic). */
  static WindowKey recentWindow(FaultRig rig) {
    String cam = FrameSources.STREAM_PREFIX + "0";
    List<Ledger.Seen> seen = rig.ledger.seen();
    for (int k = seen.size() - 1; k >= 0; k--) {
      if (seen.get(k).key().stream().equals(cam)) {
        return seen.get(k).key();
      }
    }
    throw new IllegalStateException("no recognition of " + cam + " yet");
  }

  static long lastSequence(FaultRig rig, WindowKey w) {
    WindowConfig c = rig.settings.topology().window();
    return w.firstSequence() + (long) (c.frames() - 1) * c.stride();
  }

  static Feedback feedback(String stream, long first, long last, String label) {
    return Feedback.newBuilder()
        .setStreamId(stream)
        .setFirstSequence(first)
        .setLastSequence(last)
        .setLabel(label)
        .setVerdict(FeedbackVerdict.CORRECT)
        .setSender("faults")
        .setSentAt(Instant.now())
        .build();
  }

  static LabeledClip clip(String id, String label, List<ByteBuffer> frames) {
    return LabeledClip.newBuilder()
        .setClipId(id)
        .setLabel(label)
        .setWidth(16)
        .setHeight(16)
        .setEncoding(FrameEncoding.RGB)
        .setFrames(frames)
        .setSource("faults")
        .build();
  }

  static List<ByteBuffer> rgb(int w, int h) {
    List<ByteBuffer> frames = new ArrayList<>();
    for (int k = 0; k < CLIP_FRAMES; k++) {
      frames.add(ByteBuffer.wrap(new byte[w * h * 3]));
    }
    return frames;
  }

  /**
   * The start of a baseline JPEG (SOI, SOF0) declaring {@code width x height}, 3 components, with
   * no image data after it.
   */
  static byte[] jpegHeader(int width, int height) {
    return new byte[] {
      (byte) 0xFF,
      (byte) 0xD8, // SOI
      (byte) 0xFF,
      (byte) 0xC0,
      0,
      17,
      8, // SOF0, length 17, 8 bits
      (byte) (height >> 8),
      (byte) height,
      (byte) (width >> 8),
      (byte) width,
      3,
      1,
      0x22,
      0,
      2,
      0x11,
      1,
      3,
      0x11,
      1, // 3 components
      (byte) 0xFF,
      (byte) 0xD9 // EOI
    };
  }
}
