package io.openmede.trainer;

import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabeledClip;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small deterministic labeled clips and settings for trainer tests. */
public final class TestClips {

  private TestClips() {}

  /** Labels of the test stream. */
  public static final List<String> LABELS = List.of("waving", "jumping", "clapping");

  /** A clip of {@code frames} random 16x16 RGB frames, reproducible from {@code index}. */
  public static LabeledClip clip(int index, String label, int frames) {
    Random r = new Random(1000 + index);
    List<ByteBuffer> f = new ArrayList<>();
    for (int t = 0; t < frames; t++) {
      byte[] b = new byte[16 * 16 * 3];
      r.nextBytes(b);
      f.add(ByteBuffer.wrap(b));
    }
    return LabeledClip.newBuilder()
        .setClipId("clip-" + index)
        .setLabel(label)
        .setWidth(16)
        .setHeight(16)
        .setEncoding(FrameEncoding.RGB)
        .setFrames(f)
        .setSource("test")
        .setSplit("train")
        .build();
  }

  /**
   * A clip of 2 frames of 16x16 noise in the colour of {@code video}'s action (red, green or blue
   * by {@code video % 3}, labels {@link #LABELS} in that order when true): learnable in a few
   * updates, and each {@code seed} a new draw.
   */
  public static LabeledClip colourClip(
      String id, int video, long seed, String label, String split) {
    Random r = new Random(seed);
    int channel = video % 3;
    List<ByteBuffer> f = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      byte[] b = new byte[16 * 16 * 3];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (i % 3 == channel ? 150 + r.nextInt(100) : r.nextInt(100));
      }
      f.add(ByteBuffer.wrap(b));
    }
    LabeledClip c = clip(0, label, 0);
    c.setClipId(id);
    c.setFrames(f);
    c.setSplit(split);
    return c;
  }

  /** The i-th clip of the standard test stream (labels cycle through {@link #LABELS}). */
  public static LabeledClip streamClip(int index) {
    return clip(index, LABELS.get(index % LABELS.size()), 2);
  }

  /** Settings for a tiny, fast run: N=1, B=2, T=2, GWA every update, R=2, state every K. */
  public static Map<String, String> tinySettings(String stateDir, String checkpointDir, int k) {
    return Map.ofEntries(
        Map.entry("trainer.tasks-per-update", "1"),
        Map.entry("trainer.batch-size", "2"),
        Map.entry("trainer.frames", "2"),
        Map.entry("trainer.delta", "1"),
        Map.entry("trainer.lr.peak", "1e-3"),
        Map.entry("trainer.lr.final", "1e-4"),
        Map.entry("trainer.lr.warmup-updates", "2"),
        Map.entry("trainer.lr.total-updates", "20"),
        Map.entry("trainer.gwa.mu", "1.5"),
        Map.entry("trainer.gwa.sigma", "1"),
        Map.entry("trainer.gwa.cycle-snapshots", "2"),
        Map.entry("trainer.gwa.snapshot-interval", "1"),
        Map.entry("trainer.vocabulary", String.join(",", LABELS)),
        Map.entry("trainer.model.seed", "5"),
        Map.entry("trainer.state.dir", stateDir),
        Map.entry("trainer.state.interval", Integer.toString(k)),
        Map.entry("trainer.checkpoint.dir", checkpointDir),
        Map.entry("trainer.eval.enabled", "false"));
  }
}
