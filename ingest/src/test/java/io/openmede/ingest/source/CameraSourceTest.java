package io.openmede.ingest.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A camera cannot be attached on a build machine, so {@link CameraSource} is not run against the
 * contract; these tests pin down how a missing device is reported.
 */
class CameraSourceTest {

  @Test
  void open_missingDevice_namesTheDeviceAndTheFix() {
    CameraSource camera = new CameraSource(Path.of("/dev/video-openmede-missing"));
    assertThatThrownBy(camera::open)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("/dev/video-openmede-missing")
        .hasMessageContaining("does not exist")
        .hasMessageContaining("--device");
    camera.close();
  }

  @Test
  void next_missingDevice_failsTheSameWay() {
    try (CameraSource camera = new CameraSource(Path.of("/dev/video-openmede-missing"))) {
      assertThatThrownBy(camera::next).hasMessageContaining("does not exist");
    }
  }
}
