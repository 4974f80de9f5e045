package io.openmede.recognizer;

import io.openmede.recognizer.score.ScoringMode;
import io.openmede.recognizer.score.ScoringThreads;
import io.openmede.settings.Settings;

/**
 * How the recognizer's threads share the CPUs with the model's scoring threads.
 *
 * @param nice nice value of the busy threads other than the model's scoring threads
 * @param ownCpu whether a scoring thread running libtorch on one thread gets a CPU of its own
 * @param spareScorer whether such a scoring thread has a spare one on the other CPUs' idle time
 */
public record ThreadSettings(int nice, boolean ownCpu, boolean spareScorer) {

  /** Converts resolved settings of {@link RecognizerSettings#GROUP}. */
  public static ThreadSettings from(Settings s) {
    return new ThreadSettings(
        s.get(RecognizerSettings.THREADS_NICE),
        s.get(RecognizerSettings.THREADS_OWN_CPU),
        s.get(RecognizerSettings.THREADS_SPARE_SCORER));
  }

  /** The scoring threads of a topology scoring in {@code mode} with these settings. */
  public ScoringThreads scoring(ScoringMode mode) {
    return new ScoringThreads(mode, nice, ownCpu, spareScorer);
  }
}
