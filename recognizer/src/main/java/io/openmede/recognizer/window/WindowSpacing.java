package io.openmede.recognizer.window;

/** Whether a window's hop and frame stride count frames or milliseconds of capture time. */
public enum WindowSpacing {
  /** Hop and stride are numbers of frames (by frame sequence number). */
  FRAMES,
  /** Hop and stride are milliseconds of capture time (from the frames' capture timestamps). */
  TIME
}
