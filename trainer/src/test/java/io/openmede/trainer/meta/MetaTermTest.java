package io.openmede.trainer.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The equal-budget factorial's guarantees: the meta arm at α = 0 is plain fine-tuning at batch
 * 2·N·B, bit for bit; the calibrated inner step moves θ' as far as an outer step; k inner steps and
 * the meta-term ratio against their definitions.
 */
class MetaTermTest {

  private static final AdamW.Settings ADAM = new AdamW.Settings(0.9, 0.999, 1e-8, 0.05);

  private static OptimizerSettings settings(int n, double delta, InnerStep inner) {
    return new OptimizerSettings(
        n,
        2,
        delta,
        inner,
        new LearningRateSchedule(1e-3, 1e-5, 1, 4),
        ADAM,
        OptionalDouble.empty());
  }

  private static ClipModel tiny() {
    return ClipModel.random(ClipConfig.preset("tiny"), 7, ComputeDevice.CPU);
  }

  private static List<List<Task>> updates(
      Random r, int updates, int n, int res, ClassEmbeddings c) {
    List<List<Task>> out = new ArrayList<>();
    for (int u = 0; u < updates; u++) {
      List<Task> tasks = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        tasks.add(
            new Task(
                ReferenceMath.randomBatch(r, 2, 2, res, c),
                ReferenceMath.randomBatch(r, 2, 2, res, c)));
      }
      out.add(tasks);
    }
    return out;
  }

  @Test
  void metaArm_alphaZeroDeltaOne_tinyClip_equalsPlainAtBatch2NBExactly_overThreeUpdates() {
    Random r = new Random(21);
    Map<String, float[]> meta;
    Map<String, float[]> plain;
    try (ClipModel a = tiny();
        ClipModel b = tiny()) {
      ClassEmbeddings classes = ReferenceMath.randomClasses(r, 4, a.config().embedDim());
      List<List<Task>> data = updates(r, 3, 2, a.config().imageResolution(), classes);
      try (OpenMeDeOptimizer m =
              new OpenMeDeOptimizer(
                  new ClipModelGradientSource(a), settings(2, 1.0, InnerStep.fixed(0)));
          LargeBatchFineTuning p =
              new LargeBatchFineTuning(
                  new ClipModelGradientSource(b), settings(2, 1.0, InnerStep.fixed(0)))) {
        for (List<Task> tasks : data) {
          m.update(tasks);
          p.update(tasks);
        }
        assertThat(m.step()).isEqualTo(p.step()).isEqualTo(3);
      }
      meta = ReferenceMath.arrays(a.parameters());
      plain = ReferenceMath.arrays(b.parameters());
    }
    assertThat(meta.keySet()).containsExactlyElementsOf(plain.keySet());
    meta.forEach((name, v) -> assertThat(v).as(name).containsExactly(plain.get(name)));
  }

  @Test
  void calibratedInnerStep_tinyClip_movesThetaPrimeAsFarAsTheOuterStep_withinTwofold() {
    Random r = new Random(22);
    try (ClipModel model = tiny()) {
      ClassEmbeddings classes = ReferenceMath.randomClasses(r, 4, model.config().embedDim());
      List<List<Task>> data = updates(r, 3, 1, model.config().imageResolution(), classes);
      ClipModelGradientSource source = new ClipModelGradientSource(model);
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(source, settings(1, 1.0, InnerStep.calibratedToOuterStep()))) {
        for (List<Task> tasks : data) {
          UpdateReport report = opt.update(tasks);
          double ratio = report.innerStepNorm() / report.outerStepNorm();
          assertThat(ratio).as("|theta' - theta| / |outer step|").isBetween(0.5, 2.0);
          assertThat(report.alpha()).isPositive();
        }
      }
    }
  }

  @Test
  void tiedInnerStep_tinyClip_movesThetaPrimeFarLessThanTheOuterStep() {
    // why the calibration exists: α = β moves θ' by β·|gS|, an outer AdamW step by about β·√P
    Random r = new Random(22);
    try (ClipModel model = tiny()) {
      ClassEmbeddings classes = ReferenceMath.randomClasses(r, 4, model.config().embedDim());
      List<List<Task>> data = updates(r, 1, 1, model.config().imageResolution(), classes);
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(
              new ClipModelGradientSource(model),
              settings(1, 1.0, InnerStep.tiedToLearningRate()))) {
        UpdateReport report = opt.update(data.get(0));
        assertThat(report.innerStepNorm() / report.outerStepNorm()).isLessThan(0.5);
      }
    }
  }

  @Test
  void twoInnerSteps_fakeQuadraticSource_equalTwoSgdStepsOnTheSupport() {
    Random r = new Random(23);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    List<Task> tasks = MetaOptimizerContractTest.tasks(r, 1, 2, classes);
    Task t = tasks.get(0);
    double alpha = 0.05;
    double delta = 0.5;
    double beta = 0.01;
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small()) {
      Map<String, long[]> shapes = ReferenceMath.shapes(source.parameters());
      Map<String, float[]> theta = ReferenceMath.arrays(source.parameters());
      Map<String, float[]> gs;
      try (LossAndGradient s = source.lossAndGradient(t.support())) {
        gs = ReferenceMath.arrays(s.gradient());
      }
      Map<String, float[]> once = ReferenceMath.plusScaled(theta, gs, -alpha);
      Map<String, float[]> twice;
      try (ParameterSet at = ParameterSet.fromArrays(once, shapes, ComputeDevice.CPU);
          LossAndGradient s1 = source.lossAndGradient(at, t.support())) {
        twice = ReferenceMath.plusScaled(once, ReferenceMath.arrays(s1.gradient()), -alpha);
      }
      Map<String, float[]> gq;
      try (ParameterSet at = ParameterSet.fromArrays(twice, shapes, ComputeDevice.CPU);
          LossAndGradient q = source.lossAndGradient(at, t.query())) {
        gq = ReferenceMath.arrays(q.gradient());
      }
      Map<String, float[]> expected =
          ReferenceMath.adamwFirstStep(
              theta,
              shapes,
              ReferenceMath.plusScaled(gs, gq, delta),
              beta,
              ADAM.beta1(),
              ADAM.beta2(),
              ADAM.epsilon(),
              ADAM.weightDecay());
      double displacement =
          Math.sqrt(
              twice.entrySet().stream()
                  .mapToDouble(
                      e -> {
                        double ss = 0;
                        float[] a = e.getValue();
                        float[] b = theta.get(e.getKey());
                        for (int i = 0; i < a.length; i++) {
                          ss += (a[i] - b[i]) * (double) (a[i] - b[i]);
                        }
                        return ss;
                      })
                  .sum());
      OptimizerSettings s =
          new OptimizerSettings(
              1,
              2,
              delta,
              InnerStep.fixed(alpha).withSteps(2),
              LearningRateSchedule.constant(beta),
              ADAM,
              OptionalDouble.empty());
      try (OpenMeDeOptimizer opt = new OpenMeDeOptimizer(source, s)) {
        UpdateReport report = opt.update(tasks);
        assertThat(report.innerStepNorm()).isCloseTo(displacement, within(1e-5 * displacement));
      }
      assertThat(ReferenceMath.maxAbsDiff(ReferenceMath.arrays(source.theta), expected))
          .isLessThan(1e-6);
    }
  }

  @Test
  void
      metaTermRatio_fakeQuadraticSource_isAlphaGsOverDistanceToTheQueryCentre_andZeroAtAlphaZero() {
    // L_Q = k/2 |θ - c|²: gQ(θ') - gQ(θ) = -k·α·gS, so the ratio is α|gS| / |θ - c_Q|
    Random r = new Random(24);
    ClassEmbeddings classes = ReferenceMath.randomClasses(r, 3, 4);
    List<Task> tasks = MetaOptimizerContractTest.tasks(r, 2, 2, classes);
    double alpha = 0.1;
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small()) {
      double gs;
      try (LossAndGradient s = source.lossAndGradient(tasks.get(0).support())) {
        gs = s.gradient().globalNorm();
      }
      double cq = FakeQuadraticGradientSource.center(tasks.get(0).query());
      double ss = 0;
      for (String n : source.theta.names()) {
        for (float x : source.theta.values(n)) {
          ss += (x - cq) * (x - cq);
        }
      }
      double expected = alpha * gs / Math.sqrt(ss);
      try (OpenMeDeOptimizer opt =
          new OpenMeDeOptimizer(
                  source,
                  new OptimizerSettings(
                      2,
                      2,
                      1.0,
                      InnerStep.fixed(alpha),
                      LearningRateSchedule.constant(0.01),
                      ADAM,
                      OptionalDouble.empty()))
              .measuringMetaTerm()) {
        UpdateReport report = opt.update(tasks);
        assertThat(report.metaTermRatio()).isPresent();
        assertThat(report.metaTermRatio().getAsDouble()).isCloseTo(expected, within(1e-5));
      }
    }
    try (FakeQuadraticGradientSource source = FakeQuadraticGradientSource.small();
        OpenMeDeOptimizer opt =
            new OpenMeDeOptimizer(source, settings(2, 1.0, InnerStep.fixed(0)))
                .measuringMetaTerm()) {
      assertThat(opt.update(tasks).metaTermRatio()).hasValue(0.0);
    }
  }
}
