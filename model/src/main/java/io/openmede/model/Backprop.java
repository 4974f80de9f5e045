package io.openmede.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.openmede.model.train.LossAndGradient;
import io.openmede.model.train.ParameterSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.IntUnaryOperator;

/**
 * The one place in the process where gradients are taken. DJL allows one open {@link
 * GradientCollector} per JVM, so every backward pass (fine-tuning through {@link ClipModel},
 * pretraining through {@link ContrastivePretraining}) runs under this one lock.
 */
final class Backprop {

  /** DJL's one-collector-per-JVM rule is JVM-wide state; so is this lock. */
  private static final ReentrantLock LOCK = new ReentrantLock();

  /** A forward pass: the scalar loss and the logits (rows: samples, columns: classes). */
  record Forward(NDArray loss, NDArray logits) {}

  private Backprop() {}

  /**
   * Differentiates {@code forward} with respect to a copy of each of {@code sources}: each leaf is
   * {@code leafOf(step, source)} duplicated, in a step manager that is closed afterwards, so the
   * sources are never touched. The gradients are owned by a new manager on {@code device}.
   *
   * @param labelOf the right column of each row of the logits, for the top-1 count
   */
  static LossAndGradient lossAndGradient(
      NDManager parent,
      ComputeDevice device,
      Map<String, NDArray> sources,
      BiFunction<NDManager, NDArray, NDArray> leafOf,
      BiFunction<NDManager, Map<String, NDArray>, Forward> forward,
      IntUnaryOperator labelOf) {
    LOCK.lock();
    try (NDManager step = parent.newSubManager()) {
      LinkedHashMap<String, NDArray> leaves = new LinkedHashMap<>();
      for (Map.Entry<String, NDArray> e : sources.entrySet()) {
        NDArray leaf = leafOf.apply(step, e.getValue()).duplicate();
        leaf.attach(step);
        leaf.setRequiresGradient(true);
        leaves.put(e.getKey(), leaf);
      }
      NDManager resultManager = ParameterSet.newManager(device);
      LinkedHashMap<String, NDArray> grads = new LinkedHashMap<>();
      double loss;
      float[] logits;
      long rows;
      long cols;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        Forward f = forward.apply(step, leaves);
        collector.backward(f.loss());
        loss = f.loss().toType(DataType.FLOAT64, false).getDouble();
        rows = f.logits().getShape().get(0);
        cols = f.logits().getShape().get(1);
        logits = f.logits().toType(DataType.FLOAT32, false).toFloatArray();
        for (Map.Entry<String, NDArray> e : leaves.entrySet()) {
          NDArray g = e.getValue().getGradient().duplicate();
          g.attach(resultManager);
          grads.put(e.getKey(), g);
        }
      } catch (RuntimeException e) {
        resultManager.close();
        throw e;
      }
      int correct = top1Correct(logits, (int) rows, (int) cols, labelOf);
      return new LossAndGradient(loss, ParameterSet.owning(device, resultManager, grads), correct);
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Rows of row-major {@code logits} whose largest entry (first on ties) is {@code labelOf(row)}.
   */
  static int top1Correct(float[] logits, int rows, int cols, IntUnaryOperator labelOf) {
    int correct = 0;
    for (int i = 0; i < rows; i++) {
      int best = 0;
      for (int j = 1; j < cols; j++) {
        if (logits[i * cols + j] > logits[i * cols + best]) {
          best = j;
        }
      }
      if (best == labelOf.applyAsInt(i)) {
        correct++;
      }
    }
    return correct;
  }
}
