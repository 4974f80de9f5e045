package io.openmede.trainer.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The labeled stream as the trainer reads it, with positions it manages itself (they are saved in
 * the trainer state, not committed to Kafka). Records of one partition come in offset order. Not
 * thread-safe.
 */
interface ClipRecordSource extends AutoCloseable {

  /** Positions every partition: at the given next offset, or at the beginning when absent. */
  void seek(Map<Integer, Long> nextOffsets);

  /** The next records; empty when none arrived within {@code timeout}. */
  List<RawClipRecord> poll(Duration timeout);

  /** Wakes a blocked {@link #poll} from another thread (the one thread-safe method). */
  default void wakeup() {}

  @Override
  void close();
}
