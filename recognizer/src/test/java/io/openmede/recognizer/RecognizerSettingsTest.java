package io.openmede.recognizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.model.InferenceDtype;
import io.openmede.recognizer.window.WindowSpacing;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecognizerSettingsTest {

  @Test
  void from_defaults_exactlyOnceTinyOnCpu() {
    RecognizerSettings s =
        RecognizerSettings.from(
            Settings.defaults(List.of(RecognizerSettings.GROUP, InputBounds.GROUP)));
    assertThat(s.streams().guarantee())
        .isEqualTo(RecognizerSettings.ProcessingGuarantee.EXACTLY_ONCE_V2);
    assertThat(s.streams().guarantee().streamsValue()).isEqualTo("exactly_once_v2");
    assertThat(s.topology().window().frames()).isEqualTo(8);
    assertThat(s.topology().window().spacing()).isEqualTo(WindowSpacing.FRAMES);
    assertThat(s.model().devices()).containsExactly("cpu");
    assertThat(s.model().preset()).isEqualTo("tiny");
    assertThat(s.model().weights()).isEmpty();
    assertThat(s.topology().maxBatchDelay()).isEqualTo(Duration.ofMillis(20));
    assertThat(s.streams().producerLinger()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.streams().fetchMaxWait()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.model().dtype()).isEqualTo(InferenceDtype.F32);
    assertThat(s.streams().commitInterval()).isEqualTo(Duration.ofMillis(30));
    assertThat(s.topology().stateStore()).isEqualTo(RecognizerSettings.StateStoreKind.MEMORY);
  }

  @Test
  void stateStore_rocksdbIsPersistent_memoryIsNot_bothAreRead() {
    RecognizerSettings s =
        RecognizerSettings.from(
            Settings.of(
                List.of(RecognizerSettings.GROUP, InputBounds.GROUP),
                Map.of("recognizer.state.store", "rocksdb")));
    assertThat(s.topology().stateStore()).isEqualTo(RecognizerSettings.StateStoreKind.ROCKSDB);
    assertThat(s.topology().stateStore().supplier("w").get().persistent()).isTrue();
    assertThat(RecognizerSettings.StateStoreKind.MEMORY.supplier("w").get().persistent()).isFalse();
    assertThat(RecognizerSettings.StateStoreKind.MEMORY.supplier("w").name()).isEqualTo("w");
  }

  @Test
  void from_modelDtype_bf16IsRead_andAnUnknownTypeNamesTheChoices() {
    RecognizerSettings s =
        RecognizerSettings.from(
            Settings.of(
                List.of(RecognizerSettings.GROUP, InputBounds.GROUP),
                Map.of("recognizer.model.dtype", "bf16")));
    assertThat(s.model().dtype()).isEqualTo(InferenceDtype.BF16);
    assertThatThrownBy(
            () ->
                RecognizerSettings.from(
                    Settings.of(
                        List.of(RecognizerSettings.GROUP, InputBounds.GROUP),
                        Map.of("recognizer.model.dtype", "fp16"))))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("recognizer.model.dtype")
        .hasMessageContaining("f32|bf16");
  }

  @Test
  void from_latencySettings_areRead() {
    RecognizerSettings s =
        RecognizerSettings.from(
            Settings.of(
                List.of(RecognizerSettings.GROUP, InputBounds.GROUP),
                Map.of(
                    "recognizer.producer.linger", "5ms",
                    "recognizer.consumer.fetch.max.wait", "20ms")));
    assertThat(s.streams().producerLinger()).isEqualTo(Duration.ofMillis(5));
    assertThat(s.streams().fetchMaxWait()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void from_hopBeyondWindow_namesTheValuesAndTheSettings() {
    Settings s =
        Settings.of(
            List.of(RecognizerSettings.GROUP, InputBounds.GROUP),
            Map.of("recognizer.window.frames", "8", "recognizer.window.hop", "12"));
    assertThatThrownBy(() -> RecognizerSettings.from(s))
        .isInstanceOf(SettingsException.class)
        .hasMessageStartingWith("window hop 12 exceeds window length 8 frames (settings");
  }

  @Test
  void from_timeSpacing_readsMilliseconds() {
    Settings s =
        Settings.of(
            List.of(RecognizerSettings.GROUP, InputBounds.GROUP),
            Map.of(
                "recognizer.window.spacing", "time",
                "recognizer.window.hop", "500",
                "recognizer.window.stride", "125",
                "recognizer.devices", "gpu:0,gpu:1"));
    RecognizerSettings r = RecognizerSettings.from(s);
    assertThat(r.topology().window().spacing()).isEqualTo(WindowSpacing.TIME);
    assertThat(r.topology().window().hop()).isEqualTo(500);
    assertThat(r.model().devices()).containsExactly("gpu:0", "gpu:1");
  }
}
