package io.openmede.trainer.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.model.ClassEmbeddings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The contract every {@link MetaOptimizer} keeps, checked on a fake gradient source. */
abstract class MetaOptimizerContractTest {

  abstract MetaOptimizer create(GradientSource source, OptimizerSettings settings);

  /** AdamW steps one call with {@code tasks} tasks takes. */
  abstract int expectedSteps(int tasks);

  static OptimizerSettings settings(int n, int b) {
    return new OptimizerSettings(
        n,
        b,
        0.5,
        InnerStep.fixed(0.1),
        LearningRateSchedule.constant(0.01),
        io.openmede.model.train.AdamW.Settings.defaults(),
        java.util.OptionalDouble.empty());
  }

  static List<Task> tasks(Random r, int n, int b, ClassEmbeddings classes) {
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(
          new Task(
              ReferenceMath.randomBatch(r, b, 1, 2, classes),
              ReferenceMath.randomBatch(r, b, 1, 2, classes)));
    }
    return tasks;
  }

  @Test
  void update_usesEveryBatchOnceInStreamOrder_andCountsSteps() {
    Random r = new Random(1);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    List<Task> tasks = tasks(r, 3, 2, classes);
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small();
        MetaOptimizer opt = create(source, settings(3, 2))) {
      UpdateReport report = opt.update(tasks);
      List<TrainingBatch> expected = new ArrayList<>();
      tasks.forEach(t -> expected.addAll(t.batches()));
      assertThat(source.seen).containsExactlyElementsOf(expected);
      assertThat(report.clips()).isEqualTo(12);
      assertThat(report.optimizerSteps()).isEqualTo(expectedSteps(3));
      assertThat(opt.step()).isEqualTo(expectedSteps(3));
      assertThat(opt.adamw().step()).isEqualTo(expectedSteps(3));
    }
  }

  @Test
  void update_changesTheLiveParameters() {
    Random r = new Random(2);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small();
        MetaOptimizer opt = create(source, settings(1, 2))) {
      float[] before = source.theta.values("w");
      opt.update(tasks(r, 1, 2, classes));
      assertThat(source.theta.values("w")).isNotEqualTo(before);
    }
  }

  @Test
  void update_withNanGradient_isNeverApplied_evenWithClipping_andIsCounted() {
    Random r = new Random(3);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    OptimizerSettings base = settings(2, 2);
    // clipping on: a NaN norm is not greater than the bound, so clipping alone lets it through
    OptimizerSettings clipped =
        new OptimizerSettings(
            base.tasksPerUpdate(),
            base.batchSize(),
            base.delta(),
            base.innerStep(),
            base.schedule(),
            base.adamw(),
            java.util.OptionalDouble.of(1.0));
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small();
        MetaOptimizer opt = create(source, clipped)) {
      opt.update(tasks(r, 2, 2, classes));
      long steps = opt.step();
      float[] before = source.theta.values("w");
      source.nan = true;
      UpdateReport report = opt.update(tasks(r, 2, 2, classes));
      assertThat(report.skippedSteps()).isEqualTo(expectedSteps(2));
      assertThat(report.optimizerSteps()).isZero();
      assertThat(source.theta.values("w")).isEqualTo(before);
      assertThat(opt.step()).isEqualTo(steps);
      assertThat(opt.adamw().step()).isEqualTo(steps);
      // the AdamW moments were not poisoned either: a finite update afterwards stays finite
      source.nan = false;
      UpdateReport after = opt.update(tasks(r, 2, 2, classes));
      assertThat(after.skippedSteps()).isZero();
      assertThat(source.theta.globalNorm()).isFinite();
      assertThat(source.theta.values("w")).isNotEqualTo(before);
    }
  }

  @Test
  void update_withNoTasks_isRefused() {
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small();
        MetaOptimizer opt = create(source, settings(1, 2))) {
      assertThatThrownBy(() -> opt.update(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
