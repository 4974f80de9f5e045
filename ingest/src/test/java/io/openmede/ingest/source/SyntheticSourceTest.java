package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.world.CameraSettings;
import io.openmede.world.SyntheticCamera;
import io.openmede.world.SyntheticWorld;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SyntheticSourceTest extends FrameSourceContract {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();

  @Override
  protected FrameSource createSource() {
    return new SyntheticSource(
        new SyntheticCamera(WORLD, CameraSettings.of("cam-s", 3)),
        OptionalLong.of(20),
        false,
        SourceOptions.defaults());
  }

  @Override
  protected long expectedFrames() {
    return 20;
  }

  @Override
  protected boolean expectedLive() {
    return false;
  }

  @Test
  void next_givesTheCamerasFrames_pixelForPixel() throws Exception {
    SyntheticCamera reference = new SyntheticCamera(WORLD, CameraSettings.of("cam-s", 3));
    try (FrameSource source = createSource()) {
      for (int i = 0; i < 5; i++) {
        DecodedFrame f = source.next().orElseThrow();
        assertThat(f.rgb()).isEqualTo(reference.frameAt(i).rgb());
        assertThat(f.position().origin()).isEqualTo("synthetic:cam-s");
      }
    }
  }
}
