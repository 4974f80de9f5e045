package io.openmede.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.avro.OpenSetThresholds;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.trainer.checkpoint.CheckpointPublisher;
import io.openmede.trainer.checkpoint.DirectoryCheckpointStore;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.state.TrainerStateStore;
import io.openmede.trainer.stream.DeadLetterSink;
import io.openmede.trainer.stream.RawClipRecord;
import io.openmede.trainer.stream.TextTowerClassEmbeddings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop on the real tiny model, fed records directly (no broker). */
class TrainingLoopTest {

  @TempDir Path temp;

  static final Function<RawClipRecord, LabeledClip> AVRO =
      r -> {
        try {
          return LabeledClip.getDecoder().decode(r.value());
        } catch (IOException e) {
          throw new UncheckedIOException("not a LabeledClip: " + e.getMessage(), e);
        }
      };

  static byte[] bytes(LabeledClip c) {
    try {
      ByteBuffer b = LabeledClip.getEncoder().encode(c);
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawClipRecord record(long offset, byte[] value) {
    return new RawClipRecord("openmede.labeled-clips", 0, offset, null, value);
  }

  @Test
  void badInput_goesToDeadLettersWithReason_andTrainingContinues() throws Exception {
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(
                List.of(TrainerSettings.GROUP, InputBounds.GROUP),
                TestClips.tinySettings(
                    temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 100)));
    List<DeadLetterSink.Refused> dead = new ArrayList<>();
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      DirectoryCheckpointStore store = new DirectoryCheckpointStore(temp.resolve("ckpt"));
      try (TrainingLoop loop =
          new TrainingLoop(
              settings,
              source,
              new TextTowerClassEmbeddings(model),
              new TrainingLoop.Outputs(
                  dead::add,
                  Optional.of(
                      new CheckpointPublisher(
                          store, announced::add, "openmede-tiny", "tiny", Optional.empty())),
                  new TrainerStateStore(temp.resolve("state"))),
              AVRO,
              Optional.empty())) {
        assertThat(loop.start()).isEmpty();
        LabeledClip outside = TestClips.clip(90, "dancing", 2);
        LabeledClip threeFrames = TestClips.clip(91, "waving", 3);
        LabeledClip badJpeg = TestClips.clip(92, "waving", 2);
        badJpeg.setEncoding(io.openmede.schemas.avro.FrameEncoding.JPEG);
        List<byte[]> stream = new ArrayList<>();
        stream.add(bytes(TestClips.streamClip(0)));
        stream.add(bytes(outside));
        stream.add(bytes(TestClips.streamClip(1)));
        stream.add(new byte[] {1, 2, 3, 4, 5});
        stream.add(bytes(threeFrames));
        stream.add(bytes(TestClips.streamClip(2)));
        stream.add(bytes(badJpeg));
        stream.add(bytes(TestClips.streamClip(3)));
        stream.add(null);
        for (int i = 4; i < 8; i++) {
          stream.add(bytes(TestClips.streamClip(i)));
        }
        float[] before = model.parameters().values(model.parameters().names().get(0));
        for (int i = 0; i < stream.size(); i++) {
          loop.accept(record(i, stream.get(i)));
        }
        Map<Long, String> reasons = new HashMap<>();
        dead.forEach(d -> reasons.put(d.offset().getAsLong(), d.reason()));
        assertThat(reasons).containsOnlyKeys(1L, 3L, 4L, 6L, 8L);
        assertThat(reasons.get(1L))
            .contains("label 'dancing'")
            .contains("not in the training vocabulary");
        assertThat(reasons.get(3L)).startsWith("malformed record");
        assertThat(reasons.get(4L)).contains("has 3 frames, expected 2");
        assertThat(reasons.get(6L)).contains("not a JPEG");
        assertThat(reasons.get(8L)).contains("no value");
        assertThat(dead.get(0).value()).isEqualTo(stream.get(1));
        // 8 good clips = 2 updates of 2·N·B = 4 clips; training went on past every bad record
        assertThat(loop.progress().updates()).isEqualTo(2);
        assertThat(loop.progress().clips()).isEqualTo(8);
        assertThat(loop.progress().offsets()).containsEntry(0, 13L);
        assertThat(model.parameters().values(model.parameters().names().get(0)))
            .isNotEqualTo(before);
        // R = 2 snapshots, one per update: the GWA was published after update 2
        assertThat(announced).hasSize(1);
        CheckpointAnnouncement a = announced.get(0);
        assertThat(a.getVersion()).isEqualTo("openmede-tiny-u000000002-open-mede");
        assertThat(a.getTraining().getMethod()).isEqualTo("open-mede");
        assertThat(a.getTraining().getUpdates()).isEqualTo(2);
        assertThat(a.getSha256())
            .isEqualTo(DirectoryCheckpointStore.sha256Of(Path.of(URI.create(a.getUri()))));
        try (ClipModel loaded =
            ClipModel.load(Path.of(URI.create(a.getUri())), ComputeDevice.CPU)) {
          assertThat(loaded.config()).isEqualTo(model.config());
        }
      }
    }
  }

  private static LabeledClip feedbackClip(String id, String label, String split, int seed) {
    LabeledClip c = TestClips.clip(seed, label, 2);
    c.setClipId(id);
    c.setSource(id);
    c.setSplit(split);
    return c;
  }

  @Test
  void feedbackClips_areOversampled_repeatsAreNotTrainedAgain_heldOutOnesAreEvaluatedApart()
      throws Exception {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 100));
    values.put("trainer.eval.enabled", "true");
    values.put("trainer.feedback.oversample", "2");
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    List<DeadLetterSink.Refused> dead = new ArrayList<>();
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    List<List<String>> updates = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      DirectoryCheckpointStore store = new DirectoryCheckpointStore(temp.resolve("ckpt"));
      try (TrainingLoop loop =
          new TrainingLoop(
              settings,
              new ClipModelGradientSource(model),
              new TextTowerClassEmbeddings(model),
              new TrainingLoop.Outputs(
                  dead::add,
                  Optional.of(
                      new CheckpointPublisher(
                          store, announced::add, "openmede-tiny", "tiny", Optional.empty())),
                  new TrainerStateStore(temp.resolve("state"))),
              AVRO,
              Optional.empty())) {
        loop.setUpdateListener((u, ids, report) -> updates.add(ids));
        loop.start();
        String a = "feedback:cam-1:0-1";
        String b = "feedback:cam-1:2-3";
        String held = "feedback:cam-1:10-11";
        List<LabeledClip> stream =
            List.of(
                feedbackClip(a, "waving", "train", 1),
                feedbackClip(b, "jumping", "train", 2),
                // the same window and label again (a repeated confirmation): not trained again
                feedbackClip(a, "waving", "train", 1),
                feedbackClip(held, "clapping", "feedback-eval", 3),
                // the held-out window corrected again: it replaces the first one
                feedbackClip(held, "waving", "feedback-eval", 3),
                TestClips.streamClip(0),
                TestClips.streamClip(1),
                TestClips.streamClip(2),
                TestClips.streamClip(3));
        for (int i = 0; i < stream.size(); i++) {
          loop.accept(record(i, bytes(stream.get(i))));
        }
        assertThat(dead).isEmpty();
        // each feedback clip twice: 2·N·B = 4 clips, the first update
        assertThat(updates).hasSize(2);
        assertThat(updates.get(0)).containsExactlyInAnyOrder(a, a, b, b);
        assertThat(updates.get(1)).containsExactly("clip-0", "clip-1", "clip-2", "clip-3");
        assertThat(loop.feedbackClips()).isEqualTo(5);
        assertThat(loop.feedbackRepeats()).isEqualTo(1);
        assertThat(loop.feedbackHeldOut()).hasSize(1);
        assertThat(loop.feedbackHeldOut().get(0).label()).isEqualTo("waving");
        assertThat(loop.progress().offsets()).containsEntry(0, (long) stream.size());
        // the GWA after update 2 carries the held-out feedback accuracy, of θ and of the average
        assertThat(announced).hasSize(1);
        Map<String, Double> m = announced.get(0).getMetrics();
        assertThat(m)
            .containsEntry("eval.feedback.clips", 1.0)
            .containsKey("eval.gwa.feedback.top1");
        assertThat(m.get("eval.feedback.top1")).isIn(0.0, 1.0);
        assertThat(m).doesNotContainKey("eval.top1"); // no other held-out clips in this stream
      }
    }
  }

  @Test
  void heldOutViewsOfOneVideoWithTwoLabels_areRefused_andEvaluationStillRuns() throws Exception {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 100));
    values.put("trainer.eval.enabled", "true");
    values.put("trainer.openset.region", "true");
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    List<DeadLetterSink.Refused> dead = new ArrayList<>();
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      try (TrainingLoop loop =
          new TrainingLoop(
              settings,
              new ClipModelGradientSource(model),
              new TextTowerClassEmbeddings(model),
              new TrainingLoop.Outputs(
                  dead::add,
                  Optional.of(
                      new CheckpointPublisher(
                          new DirectoryCheckpointStore(temp.resolve("ckpt")),
                          announced::add,
                          "openmede-tiny",
                          "tiny",
                          Optional.empty())),
                  new TrainerStateStore(temp.resolve("state"))),
              AVRO,
              Optional.empty())) {
        loop.start();
        LabeledClip v0 = feedbackClip("v.mp4#0", "waving", "eval", 1);
        v0.setVideoId("v.mp4");
        LabeledClip v1 = feedbackClip("v.mp4#1", "waving", "eval", 2);
        v1.setVideoId("v.mp4");
        // a buggy or hostile producer: a third view of the same video with another label
        LabeledClip v2 = feedbackClip("v.mp4#2", "jumping", "eval", 3);
        v2.setVideoId("v.mp4");
        // an empty scene: never trained on nor evaluated, a negative for the open-set thresholds
        LabeledClip empty = feedbackClip("empty-0", "waving", Identifiers.NEGATIVE_SPLIT, 4);
        List<LabeledClip> stream =
            List.of(
                v0,
                v1,
                v2,
                empty,
                TestClips.streamClip(0),
                TestClips.streamClip(1),
                TestClips.streamClip(2),
                TestClips.streamClip(3),
                TestClips.streamClip(4),
                TestClips.streamClip(5),
                TestClips.streamClip(6),
                TestClips.streamClip(7));
        for (int i = 0; i < stream.size(); i++) {
          loop.accept(record(i, bytes(stream.get(i))));
        }
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).offset().getAsLong()).isEqualTo(2L);
        assertThat(dead.get(0).reason()).contains("same video is labelled 'waving'");
        assertThat(loop.heldOut()).hasSize(2);
        // training and the held-out evaluation went on: two views, one video
        assertThat(loop.progress().updates()).isEqualTo(2);
        assertThat(announced).hasSize(1);
        assertThat(announced.get(0).getMetrics())
            .containsEntry("eval.clips", 2.0)
            .containsEntry("eval.videos", 1.0)
            .containsKey("openset.energy.false-alarms");
        // the checkpoint's open-set thresholds travel in its announcement, one per score kind;
        // two clips of 'waving' are too few for a threshold of its own: all use the fallback
        assertThat(announced.get(0).getOpenSet())
            .extracting(OpenSetThresholds::getScore)
            .containsExactly(
                "max-softmax", "max-cosine", "energy", "background", "learned-background");
        assertThat(announced.get(0).getOpenSet())
            .allSatisfy(
                t -> {
                  assertThat(t.getTargetRecall()).isEqualTo(0.9);
                  assertThat(t.getThresholds()).isEmpty();
                  assertThat(t.getFallback()).isFinite();
                  assertThat(t.getWidth()).isPositive();
                });
        assertThat(announced.get(0).getOpenSet().get(3).getBackgroundPrompts())
            .containsExactly("background");
        // the learned background class, fitted on the empty scene against the 'waving' clips,
        // travels with its thresholds: one value per embedding dimension
        assertThat(announced.get(0).getOpenSet().get(4).getLearnedBackground().getDirection())
            .isNotEmpty();
        assertThat(announced.get(0).getOpenSet().get(3).getLearnedBackground()).isNull();
        // and the known region (trainer.openset.region, asked for): the two held-out
        // 'waving' clips as references, of the learned class's dimension, with their threshold
        var region = announced.get(0).getKnownRegion();
        assertThat(region).isNotNull();
        assertThat(region.getReferences()).hasSize(2);
        assertThat(region.getReferences().get(0))
            .hasSameSizeAs(
                announced.get(0).getOpenSet().get(4).getLearnedBackground().getDirection());
        assertThat(region.getMinSimilarity()).isBetween(-1.0, 1.0);
        assertThat(region.getTargetRecall()).isEqualTo(0.95);
      }
    }
  }

  @Test
  void divergedModel_nanStepsAreSkipped_andNanCheckpointIsNeverStored() throws Exception {
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(
                List.of(TrainerSettings.GROUP, InputBounds.GROUP),
                TestClips.tinySettings(
                    temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 100)));
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      DirectoryCheckpointStore store = new DirectoryCheckpointStore(temp.resolve("ckpt"));
      try (TrainingLoop loop =
          new TrainingLoop(
              settings,
              new ClipModelGradientSource(model),
              new TextTowerClassEmbeddings(model),
              new TrainingLoop.Outputs(
                  r -> {},
                  Optional.of(
                      new CheckpointPublisher(
                          store, announced::add, "openmede-tiny", "tiny", Optional.empty())),
                  new TrainerStateStore(temp.resolve("state"))),
              AVRO,
              Optional.empty())) {
        loop.start();
        // one weight NaN, as after a diverged step: every loss and gradient is NaN from now on
        String name = model.parameters().names().get(0);
        Map<String, float[]> values = new HashMap<>(model.parameters().toArrays());
        values.get(name)[0] = Float.NaN;
        Map<String, long[]> shapes = new HashMap<>();
        model.parameters().names().forEach(n -> shapes.put(n, model.parameters().shape(n)));
        try (io.openmede.model.train.ParameterSet poisoned =
            io.openmede.model.train.ParameterSet.fromArrays(values, shapes, ComputeDevice.CPU)) {
          model.parameters().setFrom(poisoned);
        }
        for (int i = 0; i < 8; i++) {
          loop.accept(record(i, bytes(TestClips.streamClip(i))));
        }
        // two updates (R = 2: a cycle's end), each a skipped step: AdamW never saw a NaN
        assertThat(loop.progress().updates()).isEqualTo(2);
        assertThat(loop.skippedSteps()).isEqualTo(2);
        assertThat(loop.progress().optimizerSteps()).isZero();
        assertThat(loop.lastReport().orElseThrow().skippedSteps()).isEqualTo(1);
        // the average of NaN weights is NaN: never stored, never announced
        assertThat(loop.nonFiniteCheckpoints()).isEqualTo(1);
        assertThat(announced).isEmpty();
        assertThat(store.find("openmede-tiny-u000000002-open-mede")).isEmpty();
        try (var files = java.nio.file.Files.list(temp.resolve("ckpt"))) {
          assertThat(files).isEmpty();
        }
        assertThat(loop.progress().lastCheckpoint()).isEmpty();
      }
    }
  }

  private TrainingLoop tinyLoop(
      ClipModel model, TrainerSettings settings, CheckpointPublisher publisher) throws IOException {
    return new TrainingLoop(
        settings,
        new ClipModelGradientSource(model),
        new TextTowerClassEmbeddings(model),
        new TrainingLoop.Outputs(
            r -> {}, Optional.of(publisher), new TrainerStateStore(temp.resolve("state"))),
        AVRO,
        Optional.empty());
  }

  @Test
  void crashBetweenStoreAndAnnounce_theStoredVersionIsAnnouncedAfterResume() throws Exception {
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(
                List.of(TrainerSettings.GROUP, InputBounds.GROUP),
                TestClips.tinySettings(
                    temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 100)));
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(temp.resolve("ckpt"));
    String version = "openmede-tiny-u000000002-open-mede";
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU);
        TrainingLoop loop =
            tinyLoop(
                model,
                settings,
                new CheckpointPublisher(
                    store,
                    a -> {
                      throw new IllegalStateException("the process died before announcing");
                    },
                    "openmede-tiny",
                    "tiny",
                    Optional.empty()))) {
      loop.start();
      for (int i = 0; i < 7; i++) {
        loop.accept(record(i, bytes(TestClips.streamClip(i))));
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> loop.accept(record(7, bytes(TestClips.streamClip(7)))))
          .hasMessageContaining("died before announcing");
    }
    Path storedWeights =
        temp.resolve("ckpt").resolve(version).resolve(DirectoryCheckpointStore.WEIGHTS);
    String stored = DirectoryCheckpointStore.sha256Of(storedWeights);
    // the restarted trainer (no state saved: K = 100) trains the same clips again
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU);
        TrainingLoop loop =
            tinyLoop(
                model,
                settings,
                new CheckpointPublisher(
                    store, announced::add, "openmede-tiny", "tiny", Optional.empty()))) {
      assertThat(loop.start()).isEmpty();
      for (int i = 0; i < 8; i++) {
        loop.accept(record(i, bytes(TestClips.streamClip(i))));
      }
      assertThat(announced).extracting(CheckpointAnnouncement::getVersion).containsExactly(version);
      assertThat(announced.get(0).getSha256()).isEqualTo(stored);
      assertThat(announced.get(0).getSha256())
          .isEqualTo(
              DirectoryCheckpointStore.sha256Of(Path.of(URI.create(announced.get(0).getUri()))));
      assertThat(loop.progress().lastCheckpoint()).contains(version);
    }
  }

  /**
   * The gate on the real tiny model: 24 random clips, held out as themselves (true labels), are
   * trained on with their true labels until a checkpoint is published (promoted: better than the
   * starting weights), then with labels shuffled, a poisoned stream, until the next one, which is
   * compared with the promoted one on the same held-out videos and held back.
   */
  @Test
  void gate_trueLabelsPromoted_thenShuffledLabelsHeldBackAgainstThePromotedOne() throws Exception {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 1000));
    values.put("trainer.eval.enabled", "true");
    values.put("trainer.lr.peak", "1e-2");
    values.put("trainer.lr.final", "1e-2");
    values.put("trainer.lr.warmup-updates", "0");
    values.put("trainer.gwa.snapshot-interval", "10");
    values.put("trainer.method", "plain");
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU);
        TrainingLoop loop =
            new TrainingLoop(
                settings,
                new ClipModelGradientSource(model),
                new TextTowerClassEmbeddings(model),
                new TrainingLoop.Outputs(
                    r -> {},
                    Optional.of(
                        new CheckpointPublisher(
                            new DirectoryCheckpointStore(temp.resolve("ckpt")),
                            announced::add,
                            "openmede-tiny",
                            "tiny",
                            Optional.empty())),
                    new TrainerStateStore(temp.resolve("state"))),
                AVRO,
                Optional.empty())) {
      loop.start();
      int n = 24;
      long offset = 0;
      for (int i = 0; i < n; i++) {
        LabeledClip h = TestClips.clip(i, TestClips.LABELS.get(i % 3), 2);
        h.setClipId("held-" + i);
        h.setSplit("eval");
        loop.accept(record(offset++, bytes(h)));
      }
      // phase 1: one checkpoint on true labels; phase 2: one more on shuffled labels
      for (int phase = 1; phase <= 2; phase++) {
        int shift = phase == 1 ? 0 : 1; // phase 2: every label replaced by the next one
        int until = phase;
        while (announced.size() < until) {
          for (int i = 0; i < n && announced.size() < until; i++) {
            String label = TestClips.LABELS.get((i + shift) % 3);
            loop.accept(record(offset++, bytes(TestClips.clip(i, label, 2))));
          }
        }
      }
      CheckpointAnnouncement good = announced.get(0);
      CheckpointAnnouncement bad = announced.get(1);
      Map<String, Double> g = good.getGate().getFigures();
      Map<String, Double> b = bad.getGate().getFigures();
      assertThat(good.getStatus()).isEqualTo(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
      assertThat(g.get("base.candidate.top1")).isGreaterThan(g.get("base.serving.top1"));
      assertThat(bad.getStatus()).isEqualTo(io.openmede.schemas.avro.CheckpointStatus.HELD_BACK);
      assertThat(bad.getGate().getReason()).contains("worse than the serving model");
      assertThat(b.get("base.candidate.top1")).isLessThan(b.get("base.serving.top1"));
      assertThat(b.get("base.p-worse")).isLessThan(0.05);
      // compared on the same videos with the promoted weights: serving top-1 is the good one's
      assertThat(bad.getGate().getServingVersion()).isEqualTo(good.getVersion());
      assertThat(b.get("base.serving.top1")).isEqualTo(g.get("base.candidate.top1"));
      assertThat(loop.promoted()).isEqualTo(1);
      assertThat(loop.heldBack()).isEqualTo(1);
    }
  }

  /**
   * After a restart the gate's baseline is the last promoted checkpoint, read back from the store,
   * not the weights the trainer process started from: a first run promotes u10 on colour-coded
   * clips and saves its state; a second run (a new loop on a new model with the starting weights,
   * as a restarted process has) judges its next checkpoint against u10 on the same held-out videos.
   */
  @Test
  void afterRestart_theGateComparesWithTheLastPromotedCheckpoint_readBackFromTheStore()
      throws Exception {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 1000));
    values.put("trainer.eval.enabled", "true");
    values.put("trainer.lr.peak", "1e-2");
    values.put("trainer.lr.final", "1e-2");
    values.put("trainer.lr.warmup-updates", "0");
    values.put("trainer.gwa.snapshot-interval", "5");
    values.put("trainer.method", "plain");
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    long[] offset = {0};
    for (int run = 1; run <= 2; run++) {
      try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU);
          TrainingLoop loop =
              new TrainingLoop(
                  settings,
                  new ClipModelGradientSource(model),
                  new TextTowerClassEmbeddings(model),
                  new TrainingLoop.Outputs(
                      r -> {},
                      Optional.of(
                          new CheckpointPublisher(
                              new DirectoryCheckpointStore(temp.resolve("ckpt")),
                              announced::add,
                              "openmede-tiny",
                              "tiny",
                              Optional.empty())),
                      new TrainerStateStore(temp.resolve("state"))),
                  AVRO,
                  Optional.of("start.safetensors"))) {
        loop.start();
        // held-out clips are kept in memory: a restarted trainer reads them again (in the
        // service, they come again from the topic's beginning; here they are offered again)
        for (int i = 0; i < 24; i++) {
          loop.accept(
              record(
                  1_000_000 + i,
                  bytes(
                      TestClips.colourClip(
                          "held-" + i, i, i, TestClips.LABELS.get(i % 3), "eval"))));
        }
        for (int i = 0; announced.size() < run; i++) {
          int v = i % 24;
          loop.accept(
              record(
                  offset[0]++,
                  bytes(
                      TestClips.colourClip(
                          "train-" + run + "-" + i,
                          v,
                          10_000L * run + i,
                          TestClips.LABELS.get(v % 3),
                          "train"))));
        }
        loop.saveState();
      }
    }
    CheckpointAnnouncement first = announced.get(0);
    CheckpointAnnouncement second = announced.get(1);
    assertThat(first.getStatus()).isEqualTo(io.openmede.schemas.avro.CheckpointStatus.PROMOTED);
    assertThat(first.getGate().getServingVersion()).isEqualTo("start.safetensors");
    Map<String, Double> f = first.getGate().getFigures();
    assertThat(f.get("base.candidate.top1")).isGreaterThan(f.get("base.serving.top1"));
    // the second run's baseline is u20 (read back), not the starting weights it was created with
    assertThat(second.getGate().getServingVersion()).isEqualTo(first.getVersion());
    Map<String, Double> s = second.getGate().getFigures();
    assertThat(s.get("base.serving.top1")).isEqualTo(f.get("base.candidate.top1"));
  }

  /**
   * The gate's baseline is what the recognizers serve, not the trainer's own last promoted
   * checkpoint: after the first checkpoint, an operator rolls back to "operator-choice" (a version
   * in the store: the starting weights saved under that name), as a FAKE view of the checkpoints
   * topic says; the next candidate is compared with it, its weights read back from the store. With
   * the old baseline it was compared with the first checkpoint (or, held back, the start).
   */
  @Test
  void gate_comparesWithWhatTheRecognizersServeAfterAnOperatorsChoice_toldByAFakeTopicView()
      throws Exception {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 1000));
    values.put("trainer.eval.enabled", "true");
    values.put("trainer.lr.peak", "1e-2");
    values.put("trainer.lr.final", "1e-2");
    values.put("trainer.lr.warmup-updates", "0");
    values.put("trainer.method", "plain");
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Optional<String>> served =
        new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      new CheckpointPublisher(
              new DirectoryCheckpointStore(temp.resolve("ckpt")),
              a -> {},
              "openmede-tiny",
              "tiny",
              Optional.empty())
          .publish(
              "operator-choice",
              model::saveSafetensors,
              Optional.empty(),
              new io.openmede.schemas.avro.TrainingSummary(
                  "plain", 0L, 0L, Map.of(), 0.0, 1.0, 1, 1, 0.0, 0.0, 0.0),
              Map.of());
      try (TrainingLoop loop =
          new TrainingLoop(
              settings,
              new ClipModelGradientSource(model),
              new TextTowerClassEmbeddings(model),
              new TrainingLoop.Outputs(
                  r -> {},
                  Optional.of(
                      new CheckpointPublisher(
                          new DirectoryCheckpointStore(temp.resolve("ckpt")),
                          announced::add,
                          "openmede-tiny",
                          "tiny",
                          Optional.empty())),
                  new TrainerStateStore(temp.resolve("state"))),
              AVRO,
              Optional.of("start.safetensors"))) {
        loop.setServedVersion(served::get);
        loop.start();
        for (int i = 0; i < 6; i++) {
          LabeledClip h = TestClips.clip(i, TestClips.LABELS.get(i % 3), 2);
          h.setClipId("held-" + i);
          h.setSplit("eval");
          loop.accept(record(i, bytes(h)));
        }
        long offset = 100;
        for (int run = 1; run <= 2; run++) {
          for (int i = 0; announced.size() < run; i++) {
            loop.accept(
                record(offset++, bytes(TestClips.clip(i % 6, TestClips.LABELS.get(i % 3), 2))));
          }
          served.set(Optional.of("operator-choice")); // an operator rolled back to it
        }
      }
    }
    CheckpointAnnouncement first = announced.get(0);
    CheckpointAnnouncement second = announced.get(1);
    assertThat(first.getGate().getServingVersion()).isEqualTo("start.safetensors");
    assertThat(second.getGate().getServingVersion()).isEqualTo("operator-choice");
    // operator-choice holds the starting weights: on the same held-out videos, the same top-1
    assertThat(second.getGate().getFigures().get("base.serving.top1"))
        .isEqualTo(first.getGate().getFigures().get("base.serving.top1"));
  }

  /** The guard list's clips join the gate's guard set, scored zero-shot among their labels. */
  @Test
  void guardListClips_areJudgedByTheGate_asTheGuardSet() throws Exception {
    Map<String, String> values =
        new HashMap<>(
            TestClips.tinySettings(
                temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 1000));
    values.put("trainer.eval.enabled", "true");
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU);
        TrainingLoop loop =
            new TrainingLoop(
                settings,
                new ClipModelGradientSource(model),
                new TextTowerClassEmbeddings(model),
                new TrainingLoop.Outputs(
                    r -> {},
                    Optional.of(
                        new CheckpointPublisher(
                            new DirectoryCheckpointStore(temp.resolve("ckpt")),
                            announced::add,
                            "openmede-tiny",
                            "tiny",
                            Optional.empty())),
                    new TrainerStateStore(temp.resolve("state"))),
                AVRO,
                Optional.empty())) {
      loop.start();
      LabeledClip wrongFrames = TestClips.clip(7, "cooking", 3);
      wrongFrames.setSplit("novel");
      List<String> problems =
          loop.addGuardClips(
              List.of(
                  TestClips.colourClip("guard:a#0", 0, 1, "swimming", "novel"),
                  TestClips.colourClip("guard:b#0", 1, 2, "cooking", "novel"),
                  wrongFrames));
      assertThat(problems).singleElement().asString().contains("has 3 frames, expected 2");
      for (int i = 0; announced.isEmpty(); i++) {
        loop.accept(record(i, bytes(TestClips.streamClip(i))));
      }
      Map<String, Double> f = announced.get(0).getGate().getFigures();
      assertThat(f).containsEntry("guard.videos", 2.0).doesNotContainKey("base.videos");
      assertThat(announced.get(0).getGate().getReason()).contains("guard top-1");
    }
  }
}
