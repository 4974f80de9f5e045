package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticCameraTest {
  private static final SyntheticWorld WORLD = SyntheticWorld.withDefaults();

  @Test
  void next_sameSettings_byteIdenticalStream() {
    SyntheticCamera a = new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3));
    SyntheticCamera b =
        new SyntheticCamera(SyntheticWorld.withDefaults(), CameraSettings.of("cam-1", 3));

    for (int i = 0; i < 100; i++) {
      CameraFrame fa = a.next();
      CameraFrame fb = b.next();
      assertThat(fa.index()).isEqualTo(i);
      assertThat(fa.rgb()).isEqualTo(fb.rgb());
      assertThat(fa.action()).isEqualTo(fb.action());
    }
    assertThat(a.position()).isEqualTo(100);
  }

  @Test
  void frameAt_randomAccess_equalsSequentialFrame() {
    SyntheticCamera camera = new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3));
    List<CameraFrame> frames = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      frames.add(camera.next());
    }

    SyntheticCamera fresh = new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3));
    for (int i : new int[] {37, 3, 49, 16, 0}) {
      assertThat(fresh.frameAt(i).rgb()).isEqualTo(frames.get(i).rgb());
    }
    fresh.seek(20);
    assertThat(fresh.next().rgb()).isEqualTo(frames.get(20).rgb());
  }

  @Test
  void next_labeled_carriesTheSegmentsActionAndItsClipFrames() {
    CameraSettings settings = CameraSettings.of("cam-2", 8).withSegmentFrames(12);
    SyntheticCamera camera = new SyntheticCamera(WORLD, settings);

    for (long segment = 0; segment < 4; segment++) {
      ClipSpec spec = camera.segmentSpec(segment);
      Clip clip = WORLD.clip(spec, 12);
      for (int i = 0; i < 12; i++) {
        CameraFrame frame = camera.next();
        assertThat(frame.segment()).isEqualTo(segment);
        assertThat(frame.action()).contains(spec.action());
        assertThat(frame.label()).contains(spec.action().label());
        assertThat(frame.rgb()).isEqualTo(clip.frames().get(i));
        assertThat(frame.cameraId()).isEqualTo("cam-2");
      }
    }
  }

  @Test
  void next_unlabeled_hasNoAction() {
    SyntheticCamera camera =
        new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3).withLabeled(false));

    assertThat(camera.next().action()).isEmpty();
    assertThat(camera.next().label()).isEmpty();
  }

  @Test
  void next_timestampsFollowFrameRate() {
    SyntheticCamera camera =
        new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3).withFramesPerSecond(25));

    assertThat(camera.next().timestampMicros()).isZero();
    assertThat(camera.next().timestampMicros()).isEqualTo(40_000);
    assertThat(camera.frameAt(250).timestampMicros()).isEqualTo(10_000_000);
    assertThat(camera.frameIntervalNanos()).isEqualTo(40_000_000);
  }

  @Test
  void segmentSpec_differentCameraOrSeed_differentStream_onlyChosenActions() {
    SyntheticCamera one = new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3));
    SyntheticCamera two = new SyntheticCamera(WORLD, CameraSettings.of("cam-2", 3));
    SyntheticCamera three = new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 4));
    SyntheticCamera novel =
        new SyntheticCamera(WORLD, CameraSettings.of("cam-1", 3).withActions(Action.novel()));

    List<ClipSpec> a = new ArrayList<>();
    List<ClipSpec> b = new ArrayList<>();
    List<ClipSpec> c = new ArrayList<>();
    for (long s = 0; s < 30; s++) {
      a.add(one.segmentSpec(s));
      b.add(two.segmentSpec(s));
      c.add(three.segmentSpec(s));
      assertThat(novel.segmentSpec(s).action().split()).isEqualTo(Action.Split.NOVEL);
    }
    assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
    assertThat(a.stream().map(ClipSpec::action).distinct().count()).isGreaterThan(5);
  }
}
