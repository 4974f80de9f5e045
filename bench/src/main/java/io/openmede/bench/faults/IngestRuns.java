package io.openmede.bench.faults;

import io.openmede.schemas.avro.FrameBatch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Frame sequence numbers of the ingest process's streams read back from the frames topic, one set
 * per run of the process: a batch sequence number that goes back starts a new run (an ingest that
 * numbers anew after a restart; today's continues its numbering, so there is one run). One writer,
 * any number of readers.
 */
final class IngestRuns {

  private final Map<String, List<Set<Long>>> runs = new ConcurrentHashMap<>();

  /** The last batch sequence number read per stream. */
  private final Map<String, Long> lastBatch = new ConcurrentHashMap<>();

  /** A frame batch read back. */
  void add(FrameBatch b) {
    List<Set<Long>> stream =
        runs.computeIfAbsent(b.getStreamId(), x -> new CopyOnWriteArrayList<>());
    Long last = lastBatch.put(b.getStreamId(), b.getBatchSequence());
    if (stream.isEmpty() || (last != null && b.getBatchSequence() <= last)) {
      stream.add(new ConcurrentSkipListSet<>());
    }
    Set<Long> frames = stream.get(stream.size() - 1);
    for (var f : b.getFrames()) {
      frames.add(f.getSequence());
    }
  }

  /** Per stream, its runs' frame sequence numbers, in order. */
  Map<String, List<Set<Long>>> byStream() {
    return runs;
  }

  /** Frames of {@code stream} read back, over its runs. */
  long framesRead(String stream) {
    return runs.getOrDefault(stream, List.of()).stream().mapToLong(Set::size).sum();
  }
}
