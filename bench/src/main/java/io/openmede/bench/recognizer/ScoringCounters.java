package io.openmede.bench.recognizer;

import io.openmede.recognizer.RecognizerService;

/**
 * The running topology's scoring counters at one moment (its own metrics).
 *
 * @param batches model batches so far
 * @param windows windows in them
 * @param scoringSeconds the scoring thread's time in them
 */
record ScoringCounters(long batches, double windows, double scoringSeconds) {

  static ScoringCounters of(RecognizerService service) {
    var size = service.metrics().batchSize.collect().getDataPoints().get(0);
    var secs = service.metrics().batchSeconds.collect().getDataPoints().get(0);
    return new ScoringCounters(size.getCount(), size.getSum(), secs.getSum());
  }
}
