package io.openmede.trainer.meta;

class LargeBatchFineTuningContractTest extends MetaOptimizerContractTest {
  @Override
  MetaOptimizer create(GradientSource source, OptimizerSettings settings) {
    return new LargeBatchFineTuning(source, settings);
  }

  @Override
  int expectedSteps(int tasks) {
    return 1;
  }
}
