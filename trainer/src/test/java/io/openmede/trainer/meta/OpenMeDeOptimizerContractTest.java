package io.openmede.trainer.meta;

class OpenMeDeOptimizerContractTest extends MetaOptimizerContractTest {
  @Override
  MetaOptimizer create(GradientSource source, OptimizerSettings settings) {
    return new OpenMeDeOptimizer(source, settings);
  }

  @Override
  int expectedSteps(int tasks) {
    return 1;
  }
}
