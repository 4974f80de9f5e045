package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * 1,000 forward+backward steps (plus AdamW and an inference call now and then) of the tiny model
 * must leave native memory flat: a leak of one gradient per step (1.7 MB) or of any tensor per step
 * would show in the resident set or in the count of live NDArrays.
 */
class TrainingMemoryIT {

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static int liveArrays() {
    return DjlDevices.root(ComputeDevice.CPU).getManagedArrays().size();
  }

  @Test
  void thousandTrainingSteps_keepNativeMemoryFlat() throws Exception {
    try (ClipModel model = ClipModel.random(ClipConfig.preset("tiny"), 3, ComputeDevice.CPU);
        AdamW opt = new AdamW(AdamW.Settings.defaults())) {
      VideoBatch batch =
          new VideoBatch(VideoLearnerTest.randomPixels(2 * 3 * 32 * 32, 5), 1, 2, 32);
      ClassEmbeddings classes = TrainingGradientTest.randomClasses(4, 64, 6);
      int[] labels = {1};
      long rssAtWarmUp = 0;
      int arraysAtWarmUp = 0;
      double firstLoss = 0;
      double lastLoss = 0;
      for (int step = 0; step < 1000; step++) {
        try (LossAndGradient lg = model.lossAndGradient(batch, labels, classes)) {
          opt.step(model.parameters(), lg.gradient(), 1e-4);
          if (step == 0) {
            firstLoss = lg.loss();
          }
          lastLoss = lg.loss();
        }
        if (step % 20 == 0) {
          model.embedVideos(batch);
        }
        if (step == 199) {
          System.gc();
          rssAtWarmUp = residentKb();
          arraysAtWarmUp = liveArrays();
        }
      }
      System.gc();
      long rssAtEnd = residentKb();
      System.out.printf(
          "RSS after 200 steps %d kB, after 1000 steps %d kB; live arrays %d -> %d; loss %.4f -> %.4f%n",
          rssAtWarmUp, rssAtEnd, arraysAtWarmUp, liveArrays(), firstLoss, lastLoss);
      assertThat(liveArrays()).isEqualTo(arraysAtWarmUp);
      assertThat(rssAtEnd - rssAtWarmUp).isLessThan(64 * 1024);
      assertThat(lastLoss).isLessThan(firstLoss);
    }
  }
}
