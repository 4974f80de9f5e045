package io.openmede.recognizer;

import io.openmede.recognizer.RecognizerSettings.StateStoreKind;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.values.InputBounds;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link RecognitionTopology} needs of the recognizer's settings: how frames become windows
 * and windows micro-batches, how many labels a recognition names, and where the window state lives.
 *
 * @param window how frames are cut into clips
 * @param maxBatchSize windows per micro-batch at most
 * @param maxBatchDelay how long a ready window may wait for a fuller batch
 * @param topK labels per recognition
 * @param stateStore where the window and scoring-buffer stores keep their state between commits
 * @param maxStreamsPerTask streams whose window state one task holds at most
 * @param inputBounds the bounds on frame batches read from the frames topic
 */
public record TopologySettings(
    WindowConfig window,
    int maxBatchSize,
    Duration maxBatchDelay,
    int topK,
    StateStoreKind stateStore,
    int maxStreamsPerTask,
    InputBounds inputBounds) {

  public TopologySettings {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(stateStore, "stateStore");
    Objects.requireNonNull(inputBounds, "inputBounds");
    if (maxBatchSize < 1) {
      throw new SettingsException(
          RecognizerSettings.MAX_BATCH_SIZE.name() + " " + maxBatchSize + " must be at least 1");
    }
    if (maxBatchDelay.isNegative()) {
      throw new SettingsException(
          RecognizerSettings.MAX_BATCH_DELAY.name()
              + " "
              + maxBatchDelay
              + " must not be negative");
    }
    if (topK < 1) {
      throw new SettingsException(
          RecognizerSettings.TOP_K.name() + " " + topK + " must be at least 1");
    }
  }

  /**
   * Converts resolved settings of {@link RecognizerSettings#GROUP} and {@link InputBounds#GROUP}.
   */
  public static TopologySettings from(Settings s) {
    WindowConfig window;
    try {
      window =
          new WindowConfig(
              s.get(RecognizerSettings.WINDOW_FRAMES),
              s.get(RecognizerSettings.WINDOW_SPACING),
              s.get(RecognizerSettings.WINDOW_HOP),
              s.get(RecognizerSettings.WINDOW_STRIDE),
              s.get(RecognizerSettings.WINDOW_REORDER_BOUND));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(
          e.getMessage()
              + " (settings "
              + RecognizerSettings.WINDOW_HOP.name()
              + ", "
              + RecognizerSettings.WINDOW_FRAMES.name()
              + ", "
              + RecognizerSettings.WINDOW_STRIDE.name()
              + ")");
    }
    return new TopologySettings(
        window,
        s.get(RecognizerSettings.MAX_BATCH_SIZE),
        s.get(RecognizerSettings.MAX_BATCH_DELAY),
        s.get(RecognizerSettings.TOP_K),
        s.get(RecognizerSettings.STATE_STORE),
        s.get(RecognizerSettings.MAX_STREAMS_PER_TASK),
        InputBounds.from(s));
  }

  /** These settings with another window and batching (tests, benchmarks). */
  public TopologySettings with(WindowConfig newWindow, int newMaxBatch, Duration newDelay) {
    return new TopologySettings(
        newWindow, newMaxBatch, newDelay, topK, stateStore, maxStreamsPerTask, inputBounds);
  }
}
