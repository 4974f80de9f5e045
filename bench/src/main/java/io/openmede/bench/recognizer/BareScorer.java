package io.openmede.bench.recognizer;

import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DefaultWeights;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.recognizer.score.ClipScorer;
import io.openmede.recognizer.score.ModelClipScorer;
import io.openmede.recognizer.score.ScoredBatch;
import io.openmede.recognizer.swap.ClipModelLoader;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.threads.ThreadPriorities;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.recognizer.vocabulary.VocabularyClass;
import io.openmede.recognizer.vocabulary.VocabularySnapshot;
import io.openmede.recognizer.window.ClipWindow;
import io.openmede.recognizer.window.FrameBatchCheck;
import io.openmede.schemas.avro.FrameBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The bare side: the model replica alone. The scorer the topology uses ({@link ModelClipScorer})
 * with the topology's initial weights runs the model and ranks ({@link
 * ModelClipScorer#score(ClipScorer.Prepared, VocabularySnapshot, int)}) on the windows of the
 * throughput phase, decoded and preprocessed beforehand, in micro-batches of the topology's size,
 * on one thread, without Kafka. The topology does the decoding and preprocessing itself (on its
 * stream thread) on top of that. {@link #pass} may run on several threads at once.
 */
final class BareScorer implements AutoCloseable {

  /** Untimed passes over the clips before measuring. */
  static final int WARM_UP_PASSES = 2;

  private final List<ClipWindow> windows = new ArrayList<>();
  private final List<ClipScorer.Prepared> prepared = new ArrayList<>();
  private final int maxBatch;
  private final PrintStream out;
  private final VocabularySnapshot vocab;
  private final ModelSlot<ClipModel> slot;
  private final ModelClipScorer scorer;
  private final double prepareWindowsPerSecond;

  /** Loads the model, prepares the windows of {@code clips} and warms both up. */
  BareScorer(
      RecognizerSettings rs,
      List<List<FrameBatch>> clips,
      List<String> labels,
      int maxBatch,
      PrintStream out)
      throws IOException {
    this.maxBatch = maxBatch;
    this.out = out;
    ClassEmbeddingCache cache =
        new ClassEmbeddingCache(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.DEFAULT_TEMPLATES);
    vocab =
        new VocabularySnapshot(
            1, labels.stream().map(l -> new VocabularyClass(l, List.of())).toList());
    for (int w = 0; w < clips.get(0).size(); w++) {
      for (List<FrameBatch> s : clips) {
        FrameBatch b = s.get(w);
        windows.add(new ClipWindow(b.getStreamId(), 0, 0, 0, 0, 0, FrameBatchCheck.frames(b)));
      }
    }
    slot =
        new ModelSlot<>(ClipModelLoader.inferringIn(servingModel(rs), rs.model().dtype()), "bare");
    scorer = new ModelClipScorer(slot, cache);
    for (int i = 0; i < WARM_UP_PASSES; i++) {
      prepareAll(); // untimed (JIT)
    }
    long t0 = System.nanoTime();
    prepareAll();
    prepareWindowsPerSecond = windows.size() / ((System.nanoTime() - t0) / 1e9);
    for (int i = 0; i < WARM_UP_PASSES; i++) {
      pass(); // untimed
    }
  }

  /** The topology's initial model: its weights, or the preset's default ones, or random. */
  static ClipModel servingModel(RecognizerSettings rs) throws IOException {
    Optional<Path> weights =
        rs.model().weights().isPresent()
            ? rs.model().weights()
            : DefaultWeights.defaultFor(rs.model().preset());
    return weights.isPresent()
        ? ClipModel.load(weights.get(), ComputeDevice.CPU)
        : ClipModel.random(
            ClipConfig.preset(rs.model().preset()), rs.model().seed(), ComputeDevice.CPU);
  }

  private void prepareAll() {
    prepared.clear();
    for (int i = 0; i < windows.size(); i += maxBatch) {
      prepared.add(scorer.prepare(windows.subList(i, Math.min(windows.size(), i + maxBatch))));
    }
  }

  /** Decoding and preprocessing alone, windows per second on one thread. */
  double prepareWindowsPerSecond() {
    return prepareWindowsPerSecond;
  }

  /** The windows of one pass. */
  int windows() {
    return windows.size();
  }

  /** One timed pass over every window in micro-batches of the configured size. */
  double windowsPerSecond() {
    // on the CPU the topology's scoring thread holds, if it holds one (it is idle meanwhile):
    // the bare model gets the same core, kept free of the process's other threads alike
    BitSet own = ThreadPriorities.reservedCpus();
    boolean pinned = !own.isEmpty() && ThreadPriorities.pinCurrentThread(own);
    try {
      long c0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      pass();
      long wall = System.nanoTime() - t0;
      long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0;
      out.printf(
          "  bare thread on cpu %.0f%% of %.2f s%s%n",
          100.0 * cpu / wall,
          wall / 1e9,
          pinned ? ", on CPU " + own + " (the scoring thread's)" : "");
      return windows.size() / (wall / 1e9);
    } finally {
      if (pinned) {
        ThreadPriorities.pinCurrentThread(ThreadPriorities.sharedCpus());
      }
    }
  }

  /** Scores every prepared micro-batch once, on the calling thread. */
  void pass() {
    for (ClipScorer.Prepared batch : prepared) {
      ScoredBatch scored = scorer.score(batch, vocab, 5);
      if (scored.scores().stream().anyMatch(x -> x.refusal().isPresent())) {
        throw new IllegalStateException("the bare scorer refused a window");
      }
    }
  }

  @Override
  public void close() {
    slot.close();
  }
}
