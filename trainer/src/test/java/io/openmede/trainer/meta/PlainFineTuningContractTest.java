package io.openmede.trainer.meta;

class PlainFineTuningContractTest extends MetaOptimizerContractTest {
  @Override
  MetaOptimizer create(GradientSource source, OptimizerSettings settings) {
    return new PlainFineTuning(source, settings);
  }

  @Override
  int expectedSteps(int tasks) {
    return 2 * tasks;
  }
}
