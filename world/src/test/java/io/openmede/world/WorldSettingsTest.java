package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorldSettingsTest {

  @Test
  void defaults_areEightFramesOf32PixelsAndRhoPointNine() {
    WorldSettings settings = WorldSettings.defaults();

    assertThat(settings.framesPerClip()).isEqualTo(8);
    assertThat(settings.frameSize()).isEqualTo(32);
    assertThat(settings.homeSceneProbability()).isEqualTo(0.9);
    assertThat(settings.withFrameSize(64).frameSize()).isEqualTo(64);
  }

  @Test
  void constructor_badValues_nameTheValue() {
    WorldSettings ok = WorldSettings.defaults();
    assertThatThrownBy(() -> ok.withFramesPerClip(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("frames per clip 1 is outside 2..1024 frames");
    assertThatThrownBy(() -> ok.withFrameSize(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("frame size 4 is outside 8..1024 pixels");
    assertThatThrownBy(() -> ok.withHomeSceneProbability(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("home-scene probability 1.5 is outside [0, 1]");
    assertThatThrownBy(() -> ok.withHomeSceneProbability(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void cameraSettings_badValues_nameTheValue() {
    CameraSettings ok = CameraSettings.of("cam-1", 0);
    assertThatThrownBy(() -> ok.withFramesPerSecond(0))
        .hasMessage("frame rate 0.0 fps is outside (0, 1000] frames per second");
    assertThatThrownBy(() -> ok.withSegmentFrames(1))
        .hasMessage("segment length 1 frames is below the minimum of 2 frames");
    assertThatThrownBy(() -> ok.withActions(java.util.List.of()))
        .hasMessage("a camera needs at least one action, got none");
  }
}
