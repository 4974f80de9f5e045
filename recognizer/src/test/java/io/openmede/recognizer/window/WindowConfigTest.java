package io.openmede.recognizer.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WindowConfigTest {

  @Test
  void new_hopBeyondLength_saysBothNumbers() {
    assertThatThrownBy(() -> new WindowConfig(8, WindowSpacing.FRAMES, 12, 1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window hop 12 exceeds window length 8 frames");
  }

  @Test
  void new_hopBeyondStridedSpan_namesTheSpan() {
    assertThatThrownBy(() -> new WindowConfig(8, WindowSpacing.TIME, 5000, 250, 4))
        .hasMessage("window hop 5000 ms exceeds window length 8 frames x stride 250 ms = 2000 ms");
  }

  @Test
  void new_zeroStride_isRefused() {
    assertThatThrownBy(() -> new WindowConfig(8, WindowSpacing.FRAMES, 4, 0, 4))
        .hasMessage("window stride 0 frames must be at least 1");
  }

  @Test
  void new_negativeReorderBound_isRefused() {
    assertThatThrownBy(() -> new WindowConfig(8, WindowSpacing.FRAMES, 4, 1, -1))
        .hasMessageContaining("reorder bound -1");
  }

  @Test
  void new_hopWithinStridedSpan_isAccepted() {
    WindowConfig c = new WindowConfig(4, WindowSpacing.FRAMES, 8, 2, 0);
    assertThat(c.hop()).isEqualTo(8);
  }
}
