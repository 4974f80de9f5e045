package io.openmede.events.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.avro.AlertRule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

  static AlertRule.Builder rule() {
    return AlertRule.newBuilder()
        .setName("falls")
        .setLabel("falling")
        .setMinProbability(0.6)
        .setUpdatedAt(Instant.EPOCH);
  }

  @Test
  void aClipWebhookWithAWebhook_isAccepted() {
    assertThat(
            AlertRules.refusal(
                "falls",
                rule()
                    .setWebhooks(List.of("https://hooks.example/falls"))
                    .setClipWebhook(true)
                    .build()))
        .isEmpty();
  }

  @Test
  void aClipWebhookWithoutAnyWebhook_isRefusedWithTheFix() {
    assertThat(AlertRules.refusal("falls", rule().setClipWebhook(true).build()))
        .hasValueSatisfying(
            why -> assertThat(why).contains("clip webhook").contains("give a webhook URL"));
  }
}
