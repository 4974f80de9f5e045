package io.openmede.bench.evaluate;

import io.openmede.model.ClassEmbeddings;
import io.openmede.trainer.eval.ViewEmbedding;
import java.util.List;

/**
 * One model's view embeddings of a dataset, with the class embeddings of every label the protocol
 * needs and the model's logit scale.
 *
 * @param model how the report names it ("checkpoint", "average")
 * @param weights the weights file
 * @param views the views, in list order
 * @param classes class embeddings of every label of every label space
 * @param logitScale the model's logit scale
 */
record ScoredViews(
    String model,
    String weights,
    List<ViewEmbedding> views,
    ClassEmbeddings classes,
    double logitScale) {

  ScoredViews {
    views = List.copyOf(views);
  }
}
