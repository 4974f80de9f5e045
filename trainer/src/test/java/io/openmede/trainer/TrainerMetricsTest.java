package io.openmede.trainer;

import static io.openmede.trainer.TrainingLoopTest.AVRO;
import static io.openmede.trainer.TrainingLoopTest.bytes;
import static io.openmede.trainer.TrainingLoopTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.trainer.checkpoint.CheckpointPublisher;
import io.openmede.trainer.checkpoint.DirectoryCheckpointStore;
import io.openmede.trainer.meta.ClipModelGradientSource;
import io.openmede.trainer.state.TrainerStateStore;
import io.openmede.trainer.stream.DeadLetterSink;
import io.openmede.trainer.stream.TextTowerClassEmbeddings;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's metrics, observed from the loop on the real tiny model (no broker). */
class TrainerMetricsTest {

  @TempDir Path temp;

  @Test
  void observe_afterTwoUpdatesAndABadRecord_scrapeShowsCountsGaugesAndCheckpoint()
      throws Exception {
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(
                List.of(TrainerSettings.GROUP, InputBounds.GROUP),
                TestClips.tinySettings(
                    temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 100)));
    List<DeadLetterSink.Refused> dead = new ArrayList<>();
    List<CheckpointAnnouncement> announced = new ArrayList<>();
    TrainerMetrics metrics = new TrainerMetrics();
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU);
        TrainingLoop loop =
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
      metrics.startFrom(loop);
      assertThat(scrape(metrics)).contains("openmede_trainer_updates_total 0.0");
      List<byte[]> stream = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        stream.add(bytes(TestClips.streamClip(i)));
        if (i == 3) {
          stream.add(new byte[] {1, 2, 3});
        }
      }
      for (int i = 0; i < stream.size(); i++) {
        loop.accept(record(i, stream.get(i)));
        metrics.observe(loop);
      }
      // 8 good clips = 2 updates of 2·N·B = 4 clips; R = 2 snapshots: one publication
      assertThat(loop.progress().updates()).isEqualTo(2);
      assertThat(dead).hasSize(1);
      assertThat(announced).hasSize(1);
      String text = scrape(metrics);
      assertThat(text)
          .contains("openmede_trainer_updates_total 2.0")
          .contains("openmede_trainer_clips_total 8.0")
          .contains("openmede_trainer_dead_letters_total 1.0")
          .contains("openmede_trainer_checkpoints_published_total 1.0")
          .contains(
              "openmede_trainer_checkpoint_info{version=\""
                  + announced.get(0).getVersion()
                  + "\"} 1");
      var report = loop.lastReport().orElseThrow();
      assertThat(metrics.loss.get()).isEqualTo(report.loss());
      assertThat(metrics.learningRate.get()).isEqualTo(report.beta());
      assertThat(metrics.alpha.get()).isEqualTo(report.alpha());
      assertThat(metrics.gradientNorm.get()).isEqualTo(report.gradientNorm());
      assertThat(metrics.cycles.get()).isEqualTo(loop.progress().averageCycles());
      assertThat(metrics.snapshotIndex.get()).isEqualTo(loop.progress().averageSnapshotIndex());
      assertThat(text).contains("openmede_trainer_loss ").contains("openmede_trainer_alpha ");
    }
  }

  @Test
  void startFrom_restoredCounters_areNotCountedAgain() throws Exception {
    Map<String, String> values =
        TestClips.tinySettings(
            temp.resolve("state").toString(), temp.resolve("ckpt").toString(), 1);
    TrainerSettings settings =
        TrainerSettings.from(
            Settings.of(List.of(TrainerSettings.GROUP, InputBounds.GROUP), values));
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 5, ComputeDevice.CPU)) {
      try (TrainingLoop first = loop(settings, model)) {
        first.start();
        for (int i = 0; i < 4; i++) {
          first.accept(record(i, bytes(TestClips.streamClip(i))));
        }
        first.saveState();
      }
      TrainerMetrics metrics = new TrainerMetrics();
      try (TrainingLoop resumed = loop(settings, model)) {
        resumed.start();
        assertThat(resumed.progress().updates()).isEqualTo(1);
        metrics.startFrom(resumed);
        metrics.observe(resumed);
      }
      assertThat(scrape(metrics))
          .contains("openmede_trainer_updates_total 0.0")
          .contains("openmede_trainer_clips_total 0.0");
    }
  }

  private static TrainingLoop loop(TrainerSettings settings, ClipModel model) throws IOException {
    return new TrainingLoop(
        settings,
        new ClipModelGradientSource(model),
        new TextTowerClassEmbeddings(model),
        new TrainingLoop.Outputs(
            r -> {}, Optional.empty(), new TrainerStateStore(settings.stateDir())),
        AVRO,
        Optional.empty());
  }

  private static String scrape(TrainerMetrics metrics) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
