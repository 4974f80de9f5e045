package io.openmede.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
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

  /**
   * Resident memory not explained by the JVM itself: RSS minus committed heap and non-heap and
   * minus direct buffers (DJL copies inputs through direct buffers, freed by the collector).
   */
  private static long nativeKb() throws Exception {
    System.gc();
    Thread.sleep(200);
    long jvm =
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted()
            + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getCommitted();
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      jvm += pool.getMemoryUsed();
    }
    return residentKb() - jvm / 1024;
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
        if (step % 200 == 199) {
          System.out.printf("step %d native %d kB arrays %d%n", step + 1, nativeKb(), liveArrays());
        }
        if (step == 399) {
          rssAtWarmUp = nativeKb();
          arraysAtWarmUp = liveArrays();
        }
      }
      long rssAtEnd = nativeKb();
      System.out.printf(
          "native memory (RSS less JVM heap, non-heap, direct buffers) after 400 steps %d kB, after 1000 steps %d kB; live arrays %d -> %d; loss %.4f -> %.4f%n",
          rssAtWarmUp, rssAtEnd, arraysAtWarmUp, liveArrays(), firstLoss, lastLoss);
      assertThat(liveArrays()).isEqualTo(arraysAtWarmUp);
      // the allocator's footprint wanders by tens of MB; a leak of one gradient per step would add
      // 1 GB over these 600 steps, and any leaked tensor at all shows in the array count above
      assertThat(rssAtEnd - rssAtWarmUp).isLessThan(100 * 1024);
      assertThat(lastLoss).isLessThan(firstLoss);
    }
  }
}
