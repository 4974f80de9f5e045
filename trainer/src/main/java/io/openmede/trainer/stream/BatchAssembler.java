package io.openmede.trainer.stream;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.VideoBatch;
import io.openmede.trainer.meta.Task;
import io.openmede.trainer.meta.TrainingBatch;
import java.util.ArrayList;
import java.util.List;

/** Packs decoded clips into {@link TrainingBatch}es and tasks. Stateless. */
public final class BatchAssembler {

  private BatchAssembler() {}

  /** One batch {@code [B, T, 3, R, R]} of the clips, in order. */
  public static TrainingBatch batch(
      List<DecodedClip> clips, int resolution, ClassEmbeddings classes) {
    if (clips.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one clip");
    }
    int frames = clips.get(0).frames();
    int per = clips.get(0).pixels().length;
    float[] pixels = new float[per * clips.size()];
    int[] labels = new int[clips.size()];
    for (int i = 0; i < clips.size(); i++) {
      DecodedClip c = clips.get(i);
      if (c.pixels().length != per) {
        throw new IllegalArgumentException(
            "clip " + c.clipId() + " differs in size from the batch");
      }
      System.arraycopy(c.pixels(), 0, pixels, i * per, per);
      labels[i] = c.labelIndex();
    }
    return new TrainingBatch(
        new VideoBatch(pixels, clips.size(), frames, resolution), labels, classes);
  }

  /** The tasks of one meta-update. */
  public static List<Task> tasks(
      List<SupportQueryPair<DecodedClip>> pairs, int resolution, ClassEmbeddings classes) {
    List<Task> out = new ArrayList<>(pairs.size());
    for (SupportQueryPair<DecodedClip> p : pairs) {
      out.add(
          new Task(batch(p.support(), resolution, classes), batch(p.query(), resolution, classes)));
    }
    return out;
  }
}
