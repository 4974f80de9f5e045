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

  @Test
  void webhookRefusal_aPortOutOfRange_isRefusedWithThePort() {
    assertThat(AlertRules.webhookRefusal("http://127.0.0.1:99999/hook"))
        .hasValueSatisfying(m -> assertThat(m).contains("port 99999").contains("1..65535"));
    assertThat(AlertRules.webhookRefusal("http://hooks.example:0/")).isPresent();
    assertThat(AlertRules.webhookRefusal("https://hooks.example:4294967297/")).isPresent();
  }

  @Test
  void webhookRefusal_aPortInRangeOrNone_isAccepted() {
    assertThat(AlertRules.webhookRefusal("http://127.0.0.1:65535/hook")).isEmpty();
    assertThat(AlertRules.webhookRefusal("http://127.0.0.1:1/")).isEmpty();
    assertThat(AlertRules.webhookRefusal("https://hooks.example/path")).isEmpty();
  }

  @Test
  void refusal_aRuleWithAWebhookOnAPortOutOfRange_isRefused() {
    assertThat(
            AlertRules.refusal(
                "falls", rule().setWebhooks(List.of("http://127.0.0.1:99999/hook")).build()))
        .hasValueSatisfying(m -> assertThat(m).contains("99999"));
    assertThat(
            AlertRules.refusal(
                "falls", rule().setWebhooks(List.of("http://127.0.0.1:9999/hook")).build()))
        .isEmpty();
  }
}
