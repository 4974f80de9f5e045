package io.openmede.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromotionRuleTest {

  static final PromotionRule RULE = new PromotionRule(0.02, 0.05, true);

  /** {@code n} videos; the candidate alone right on {@code b}, the serving alone on {@code c}. */
  static PairedOutcome outcome(String set, int n, int both, int b, int c) {
    return new PairedOutcome(set, n, both + b, both + c, b, c);
  }

  @Test
  void pWorse_isTheExactOneSidedBinomialTail() {
    // b = 0, c = 5: P(X >= 5 | 5, 1/2) = 1/32
    assertThat(outcome("s", 10, 0, 0, 5).pWorse()).isCloseTo(1.0 / 32, within(1e-12));
    // b = 1, c = 4: P(X >= 4 | 5) = 6/32
    assertThat(outcome("s", 10, 0, 1, 4).pWorse()).isCloseTo(6.0 / 32, within(1e-12));
    assertThat(outcome("s", 10, 5, 0, 0).pWorse()).isEqualTo(1.0);
    // large n does not underflow: c = 1500 of 2000 discordant is overwhelming
    assertThat(outcome("s", 3000, 0, 500, 1500).pWorse()).isLessThan(1e-10);
  }

  @Test
  void aSignificantLossBeyondTheMargin_onAnySet_holdsBack() {
    PromotionRule.Verdict v =
        RULE.decide(List.of(outcome("base", 40, 20, 6, 0), outcome("guard", 40, 10, 0, 12)));
    assertThat(v.promoted()).isFalse();
    assertThat(v.reason())
        .contains("guard top-1 0.250 vs serving 0.550")
        .doesNotContain("base top");
    assertThat(v.figures()).containsEntry("guard.serving-only", 12.0);
  }

  @Test
  void aLossWithinChance_orWithinTheMargin_isPromoted() {
    // 3 of 40 worse: a drop of 0.075 but p = 0.125
    assertThat(RULE.decide(List.of(outcome("base", 40, 20, 0, 3))).promoted()).isTrue();
    // significant but within a wide margin
    PromotionRule wide = new PromotionRule(0.5, 0.05, true);
    assertThat(wide.decide(List.of(outcome("base", 40, 10, 0, 12))).promoted()).isTrue();
  }

  @Test
  void aBetterCandidate_isPromoted_withItsFigures() {
    PromotionRule.Verdict v = RULE.decide(List.of(outcome("base", 40, 20, 10, 1)));
    assertThat(v.promoted()).isTrue();
    assertThat(v.figures())
        .containsEntry("base.videos", 40.0)
        .containsEntry("base.candidate.top1", 30.0 / 40)
        .containsEntry("base.serving.top1", 21.0 / 40);
  }

  @Test
  void nothingToJudgeOn_followsPromoteUnjudged() {
    assertThat(RULE.decide(List.of(outcome("base", 0, 0, 0, 0))).promoted()).isTrue();
    PromotionRule.Verdict held = new PromotionRule(0.02, 0.05, false).decide(List.of());
    assertThat(held.promoted()).isFalse();
    assertThat(held.reason()).contains("trainer.gate.promote-unjudged=false");
  }

  @Test
  void badSettingsAndCounts_areRefusedWithTheValue() {
    assertThatThrownBy(() -> new PromotionRule(-0.1, 0.05, true)).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> new PromotionRule(0.02, 1.5, true)).hasMessageContaining("1.5");
    assertThatThrownBy(() -> new PairedOutcome("x", 5, 3, 1, 3, 0))
        .hasMessageContaining("inconsistent");
  }
}
