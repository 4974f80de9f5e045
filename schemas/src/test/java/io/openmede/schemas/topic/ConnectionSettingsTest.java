package io.openmede.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.settings.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

  @Test
  void secret_isMaskedInDescribe() {
    Settings s =
        Settings.of(
            List.of(ConnectionSettings.GROUP),
            Map.of(
                "kafka.security.protocol",
                "SASL_SSL",
                "kafka.sasl.jaas.config",
                "x required password=\"hunter2\";"));
    assertThat(s.describe().get("kafka.sasl.jaas.config")).isEqualTo("****");
    assertThat(ConnectionSettings.from(s).kafkaClientConfig())
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void connection_saslWithoutJaas_isRefusedWithTheFix() {
    Settings s =
        Settings.of(
            List.of(ConnectionSettings.GROUP), Map.of("kafka.security.protocol", "SASL_SSL"));
    assertThatThrownBy(() -> ConnectionSettings.from(s))
        .hasMessageContaining("needs kafka.sasl.jaas.config");
  }
}
