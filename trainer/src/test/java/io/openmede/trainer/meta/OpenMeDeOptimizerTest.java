package io.openmede.trainer.meta;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The meta-update against its definition (DESIGN.md §3), on the real tiny CLIP and on a fake
 * quadratic source: gradients from separate loss-and-gradient calls, SGD and AdamW by hand.
 */
class OpenMeDeOptimizerTest {

  private static final AdamW.Settings ADAM = new AdamW.Settings(0.9, 0.999, 1e-8, 0.05);

  private static OptimizerSettings settings(int n, double delta, InnerStep alpha, double beta) {
    return new OptimizerSettings(
        n, 2, delta, alpha, LearningRateSchedule.constant(beta), ADAM, OptionalDouble.empty());
  }

  private static ClipModel tiny() {
    return ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU);
  }

  /** The update computed from its definition, with separate calls and hand-written AdamW. */
  private static Map<String, float[]> reference(
      GradientSource source, List<Task> tasks, double alpha, double delta, double beta) {
    ParameterSet live = source.parameters();
    Map<String, float[]> theta = ReferenceMath.arrays(live);
    Map<String, long[]> shapes = ReferenceMath.shapes(live);
    Map<String, float[]> g = null;
    for (Task t : tasks) {
      Map<String, float[]> gs;
      try (LossAndGradient s = source.lossAndGradient(t.support())) {
        gs = ReferenceMath.arrays(s.gradient());
      }
      Map<String, float[]> adapted = ReferenceMath.plusScaled(theta, gs, -alpha);
      Map<String, float[]> gq;
      try (ParameterSet at = ParameterSet.fromArrays(adapted, shapes, ComputeDevice.CPU);
          LossAndGradient q = source.lossAndGradient(at, t.query())) {
        gq = ReferenceMath.arrays(q.gradient());
      }
      Map<String, float[]> task = ReferenceMath.plusScaled(gs, gq, delta);
      g = g == null ? task : ReferenceMath.plusScaled(g, task, 1.0);
    }
    assertThat(ReferenceMath.arrays(live)).as("theta restored").containsAllEntriesOf(theta);
    return ReferenceMath.adamwFirstStep(
        theta, shapes, g, beta, ADAM.beta1(), ADAM.beta2(), ADAM.epsilon(), ADAM.weightDecay());
  }

  @Test
  void metaUpdate_tinyClip_equalsUpdateFromItsDefinition() {
    Random r = new Random(11);
    try (ClipModel model = tiny()) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      ClassEmbeddings classes = ReferenceMath.randomClasses(r, 4, model.config().embedDim());
      int res = model.config().imageResolution();
      List<Task> tasks =
          List.of(
              new Task(
                  ReferenceMath.randomBatch(r, 2, 2, res, classes),
                  ReferenceMath.randomBatch(r, 2, 2, res, classes)),
              new Task(
                  ReferenceMath.randomBatch(r, 2, 2, res, classes),
                  ReferenceMath.randomBatch(r, 2, 2, res, classes)));
      double alpha = 0.05;
      double delta = 0.5;
      double beta = 1e-3;
      Map<String, float[]> before = ReferenceMath.arrays(model.parameters());
      Map<String, float[]> expected = reference(source, tasks, alpha, delta, beta);
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(source, settings(2, delta, InnerStep.fixed(alpha), beta))) {
        opt.update(tasks);
      }
      Map<String, float[]> actual = ReferenceMath.arrays(model.parameters());
      assertThat(ReferenceMath.maxAbsDiff(actual, before)).as("update moved θ").isGreaterThan(1e-4);
      assertThat(ReferenceMath.maxAbsDiff(actual, expected)).isLessThan(2e-5);
    }
  }

  @Test
  void metaUpdate_alphaZeroDeltaOne_tinyClip_equalsOneAdamWStepOnSumOfGradientsAtTheta() {
    Random r = new Random(12);
    try (ClipModel model = tiny()) {
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, model.config().embedDim());
      int res = model.config().imageResolution();
      Task task =
          new Task(
              ReferenceMath.randomBatch(r, 2, 2, res, classes),
              ReferenceMath.randomBatch(r, 2, 2, res, classes));
      double beta = 1e-3;
      Map<String, float[]> expected;
      try (ParameterSet theta = model.parameters().copy();
          LossAndGradient s = source.lossAndGradient(task.support());
          LossAndGradient q = source.lossAndGradient(task.query());
          ParameterSet sum = s.gradient().copy();
          AdamW adam = new AdamW(ADAM)) {
        sum.addScaled(q.gradient(), 1.0);
        adam.step(theta, sum, beta);
        expected = ReferenceMath.arrays(theta);
      }
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(source, settings(1, 1.0, InnerStep.fixed(0.0), beta))) {
        opt.update(List.of(task));
      }
      assertThat(ReferenceMath.maxAbsDiff(ReferenceMath.arrays(model.parameters()), expected))
          .isLessThan(1e-6);
    }
  }

  @Test
  void metaUpdate_fakeQuadraticSource_equalsUpdateFromItsDefinition() {
    Random r = new Random(3);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    List<Task> tasks = MetaOptimizerContractTest.tasks(r, 3, 2, classes);
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small()) {
      Map<String, float[]> expected = reference(source, tasks, 0.2, 1.67e-3, 0.01);
      source.seen.clear();
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(source, settings(3, 1.67e-3, InnerStep.fixed(0.2), 0.01))) {
        opt.update(tasks);
      }
      assertThat(ReferenceMath.maxAbsDiff(ReferenceMath.arrays(source.theta), expected))
          .isLessThan(1e-6);
    }
  }

  @Test
  void metaUpdate_alphaTiedToBeta_usesScheduledRateForInnerStep() {
    Random r = new Random(4);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    List<Task> tasks = MetaOptimizerContractTest.tasks(r, 2, 2, classes);
    LearningRateSchedule schedule = new LearningRateSchedule(0.3, 0.003, 4, 20);
    double beta = schedule.at(0);
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small()) {
      Map<String, float[]> expected = reference(source, tasks, beta, 1.0, beta);
      OptimizerSettings s =
          new OptimizerSettings(
              2, 2, 1.0, InnerStep.tiedToLearningRate(), schedule, ADAM, OptionalDouble.empty());
      try (OpenMeDeOptimizer opt = new OpenMeDeOptimizer(source, s)) {
        UpdateReport report = opt.update(tasks);
        assertThat(report.alpha()).isEqualTo(beta).isEqualTo(0.075);
      }
      assertThat(ReferenceMath.maxAbsDiff(ReferenceMath.arrays(source.theta), expected))
          .isLessThan(1e-6);
    }
  }

  @Test
  void report_givesTheInnerDisplacementAndTheQueryTermBesideTheSupportGradient() {
    Random r = new Random(5);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    List<Task> tasks = MetaOptimizerContractTest.tasks(r, 2, 2, classes);
    double alpha = 0.2;
    double delta = 0.5;
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small()) {
      // by hand: ‖gS‖ at θ, ‖θ' − θ‖ = α‖gS‖, ‖δ·gQ‖ at θ' = θ − α·gS; means over the tasks
      double gs = 0;
      double dq = 0;
      Map<String, long[]> shapes = ReferenceMath.shapes(source.parameters());
      Map<String, float[]> theta = ReferenceMath.arrays(source.parameters());
      for (Task t : tasks) {
        Map<String, float[]> g;
        try (LossAndGradient s = source.lossAndGradient(t.support())) {
          g = ReferenceMath.arrays(s.gradient());
          gs += s.gradient().globalNorm() / tasks.size();
        }
        try (ParameterSet at =
                ParameterSet.fromArrays(
                    ReferenceMath.plusScaled(theta, g, -alpha), shapes, ComputeDevice.CPU);
            LossAndGradient q = source.lossAndGradient(at, t.query())) {
          dq += delta * q.gradient().globalNorm() / tasks.size();
        }
      }
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(source, settings(2, delta, InnerStep.fixed(alpha), 0.01))) {
        UpdateReport report = opt.update(tasks);
        assertThat(report.supportGradientNorm())
            .isCloseTo(gs, org.assertj.core.api.Assertions.within(1e-6 * gs));
        assertThat(report.innerStepNorm())
            .isCloseTo(alpha * gs, org.assertj.core.api.Assertions.within(1e-6 * gs));
        assertThat(report.queryTermNorm())
            .isCloseTo(dq, org.assertj.core.api.Assertions.within(1e-6 * dq))
            .isPositive();
      }
    }
  }

  @Test
  void clip_aboveMaxNorm_scalesToMaxNorm_belowLeavesUnchanged() {
    try (ParameterSet g =
        ParameterSet.fromArrays(
            Map.of("w", new float[] {3f, 4f}), Map.of("w", new long[] {2}), ComputeDevice.CPU)) {
      double before = GradientClipping.clip(g, OptionalDouble.of(1.0));
      assertThat(before).isCloseTo(5.0, org.assertj.core.api.Assertions.within(1e-6));
      assertThat(g.globalNorm()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
      GradientClipping.clip(g, OptionalDouble.of(10.0));
      assertThat(g.values("w")[0]).isCloseTo(0.6f, org.assertj.core.api.Assertions.within(1e-5f));
    }
  }
}
