package io.openmede.recognizer.score;

import io.openmede.model.openset.KnownRegion;
import io.openmede.model.openset.LearnedBackground;
import io.openmede.model.openset.OpenSetCalibration;
import io.openmede.model.openset.OpenSetScore;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.KnownRegionReferences;
import io.openmede.schemas.avro.LearnedBackgroundClass;
import io.openmede.schemas.avro.OpenSetThresholds;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open-set thresholds of each model version the recognizer may serve, for its one score kind
 * ({@code recognizer.openset.score}): a checkpoint's announcement brings them ({@link #offer},
 * called before the swap), so the first batch under the new model already decides with the new
 * model's thresholds; a version without thresholds for the kind (the initial weights, an older
 * trainer) decides nothing, and its windows are never unknown. For {@link
 * OpenSetScore#LEARNED_BACKGROUND}, a version whose trainer saw no negative (so learned no
 * background class) is decided with its {@link OpenSetScore#MAX_SOFTMAX} thresholds, which the
 * window then names as its score kind. A version whose announcement brings a known region ({@link
 * KnownRegion}) also calls unknown every window outside it; one whose region does not validate is
 * refused whole (logged with the reason, like thresholds that do not validate).
 *
 * <p>Thread-safe: the checkpoint follower offers, the scoring threads read. Keeps the thresholds of
 * the last {@link #KEPT} versions offered.
 */
public final class OpenSetThresholdBook {

  private static final Logger LOG = LoggerFactory.getLogger(OpenSetThresholdBook.class);

  /** Versions whose thresholds are kept. */
  static final int KEPT = 4;

  /**
   * One version's thresholds.
   *
   * @param background the background class names the thresholds were fitted with (the background
   *     score only; empty otherwise)
   * @param region where the version's held-out known clips lie: a window outside it is unknown
   *     whatever its scores; empty (an older trainer, or none fitted): the thresholds alone decide
   */
  public record Entry(
      OpenSetCalibration calibration, List<String> background, Optional<KnownRegion> region) {
    public Entry {
      Objects.requireNonNull(calibration, "calibration");
      background = List.copyOf(background);
      Objects.requireNonNull(region, "region");
    }

    /** Thresholds without a known region. */
    public Entry(OpenSetCalibration calibration, List<String> background) {
      this(calibration, background, Optional.empty());
    }
  }

  private final OpenSetScore score;
  private final java.util.OptionalInt embedDim;
  private final Map<String, Entry> byVersion = new LinkedHashMap<>();

  /** A book for score kind {@code score}, for models of any embedding width (tests). */
  public OpenSetThresholdBook(OpenSetScore score) {
    this(score, java.util.OptionalInt.empty());
  }

  /**
   * A book for score kind {@code score} of models whose video embeddings have {@code embedDim}
   * dimensions (every model a recognizer serves has its initial model's architecture): a learned
   * background class of another width would fail every window it scores, so it is refused.
   */
  public OpenSetThresholdBook(OpenSetScore score, java.util.OptionalInt embedDim) {
    this.score = Objects.requireNonNull(score, "score");
    this.embedDim = embedDim;
  }

  /** The score kind whose thresholds this book keeps. */
  public OpenSetScore score() {
    return score;
  }

  /** Sets the thresholds of {@code version} (tests; the initial model's, when given). */
  public synchronized void put(String version, Entry entry) {
    if (entry.calibration().score() != score
        && !(score == OpenSetScore.LEARNED_BACKGROUND
            && entry.calibration().score() == OpenSetScore.MAX_SOFTMAX)) {
      throw new IllegalArgumentException(
          "thresholds for the "
              + entry.calibration().score().text()
              + " score given to a book of the "
              + score.text()
              + " score");
    }
    byVersion.remove(version);
    byVersion.put(version, entry);
    while (byVersion.size() > KEPT) {
      byVersion.remove(byVersion.keySet().iterator().next());
    }
  }

  /**
   * Takes the thresholds of this book's kind from a checkpoint's announcement; thresholds that do
   * not validate are logged and ignored (the version then decides nothing).
   */
  public void offer(CheckpointAnnouncement a) {
    Optional<OpenSetThresholds> own = entryOf(a, score);
    if (own.isEmpty() && score == OpenSetScore.LEARNED_BACKGROUND) {
      // a trainer that saw no negative learns no background class: decide with the softmax's
      // thresholds rather than not at all (rules with a min-score would otherwise never hold)
      own = entryOf(a, OpenSetScore.MAX_SOFTMAX);
      own.ifPresent(
          t ->
              LOG.info(
                  "checkpoint {} brings no learned background class (its trainer saw no negative"
                      + " clip); its windows are decided with its max-softmax thresholds",
                  a.getVersion()));
    }
    if (own.isEmpty()) {
      LOG.info(
          "checkpoint {} brings no open-set thresholds for the {} score; its windows are not"
              + " decided (never unknown)",
          a.getVersion(),
          score.text());
      return;
    }
    try {
      Entry entry = fromRecord(own.get());
      entry
          .calibration()
          .learnedBackground()
          .filter(b -> embedDim.isPresent() && b.dimension() != embedDim.getAsInt())
          .ifPresent(
              b -> {
                throw new IllegalArgumentException(
                    "its learned background class has "
                        + b.dimension()
                        + " dimensions, the model embeds videos in "
                        + embedDim.getAsInt());
              });
      Optional<KnownRegion> region =
          Optional.ofNullable(a.getKnownRegion()).map(OpenSetThresholdBook::region);
      region
          .filter(r -> embedDim.isPresent() && r.dimension() != embedDim.getAsInt())
          .ifPresent(
              r -> {
                throw new IllegalArgumentException(
                    "its known region has "
                        + r.dimension()
                        + " dimensions, the model embeds videos in "
                        + embedDim.getAsInt());
              });
      put(a.getVersion(), new Entry(entry.calibration(), entry.background(), region));
    } catch (RuntimeException e) {
      LOG.warn(
          "open-set thresholds of checkpoint {} ignored ({}); its windows are not decided",
          a.getVersion(),
          e.getMessage());
    }
  }

  private static Optional<OpenSetThresholds> entryOf(CheckpointAnnouncement a, OpenSetScore kind) {
    return a.getOpenSet().stream().filter(t -> kind.text().equals(t.getScore())).findFirst();
  }

  /** The thresholds of {@code version}, if it brought any for this book's kind. */
  public synchronized Optional<Entry> forVersion(String version) {
    return Optional.ofNullable(byVersion.get(version));
  }

  private static LearnedBackground learned(LearnedBackgroundClass c) {
    float[] direction = new float[c.getDirection().size()];
    for (int i = 0; i < direction.length; i++) {
      direction[i] = c.getDirection().get(i);
    }
    return new LearnedBackground(direction, c.getBias());
  }

  /**
   * The known region of an announcement, validated ({@link KnownRegion}: bounded count and size,
   * finite values); the counts are checked before anything is copied.
   */
  public static KnownRegion region(KnownRegionReferences r) {
    List<List<Float>> refs = r.getReferences();
    if (refs.size() > KnownRegion.MAX_REFERENCES) {
      throw new IllegalArgumentException(
          "known region has "
              + refs.size()
              + " reference embeddings, more than "
              + KnownRegion.MAX_REFERENCES);
    }
    long values = 0;
    for (List<Float> v : refs) {
      values += v.size();
    }
    if (values > KnownRegion.MAX_VALUES) {
      throw new IllegalArgumentException(
          "known region has " + values + " values, more than " + KnownRegion.MAX_VALUES);
    }
    float[][] references = new float[refs.size()][];
    for (int i = 0; i < references.length; i++) {
      List<Float> v = refs.get(i);
      references[i] = new float[v.size()];
      for (int d = 0; d < v.size(); d++) {
        references[i][d] = v.get(d);
      }
    }
    return new KnownRegion(references, r.getMinSimilarity(), r.getTargetRecall());
  }

  /** The thresholds of one announcement entry, validated. */
  public static Entry fromRecord(OpenSetThresholds t) {
    Map<String, Double> thresholds = new LinkedHashMap<>();
    t.getThresholds().forEach((k, v) -> thresholds.put(k.toString(), v));
    OpenSetCalibration c =
        new OpenSetCalibration(
            OpenSetScore.parse(t.getScore()),
            t.getTargetRecall(),
            thresholds,
            t.getFallback(),
            t.getWidth(),
            Optional.ofNullable(t.getLearnedBackground()).map(OpenSetThresholdBook::learned));
    return new Entry(c, t.getBackgroundPrompts().stream().map(Object::toString).toList());
  }
}
