package io.openmede.trainer.meta;

import java.util.OptionalDouble;

/**
 * What one call of {@link MetaOptimizer#update} did.
 *
 * @param loss mean training loss over all batches of the call (support and query)
 * @param clips clips consumed
 * @param correct top-1 correct clips among them (at the parameters each loss was taken at)
 * @param beta outer learning rate used
 * @param alpha inner step used (0 for plain fine-tuning)
 * @param gradientNorm global L2 norm of the (last) gradient before clipping
 * @param optimizerSteps AdamW steps taken by the call
 * @param innerStepNorm mean over tasks of ‖θ' − θ‖ = α·‖gS‖, the inner step's displacement (0 for
 *     plain fine-tuning)
 * @param supportGradientNorm mean over tasks (plain: over batches) of ‖gS‖
 * @param queryTermNorm mean over tasks of ‖δ·gQ‖, the query term's size beside ‖gS‖ (0 for plain
 *     fine-tuning)
 * @param skippedSteps AdamW steps not taken because their loss or gradient was not finite (NaN or
 *     infinite): such a step would poison θ and the AdamW moments, so it is never applied
 * @param outerStepNorm ‖Δθ‖ of the call's AdamW step (plain fine-tuning: mean over its steps; 0
 *     when skipped)
 * @param metaTermRatio ‖gQ(θ') − gQ(θ)‖ / ‖gQ(θ)‖ on the first task, when the optimizer measures it
 *     (see {@link OpenMeDeOptimizer#measuringMetaTerm()}); empty otherwise
 */
public record UpdateReport(
    double loss,
    int clips,
    int correct,
    double beta,
    double alpha,
    double gradientNorm,
    int optimizerSteps,
    double innerStepNorm,
    double supportGradientNorm,
    double queryTermNorm,
    int skippedSteps,
    double outerStepNorm,
    OptionalDouble metaTermRatio) {

  /** Whether a loss and a gradient norm are both finite, so that a step on them may be applied. */
  public static boolean finite(double loss, double gradientNorm) {
    return Double.isFinite(loss) && Double.isFinite(gradientNorm);
  }
}
