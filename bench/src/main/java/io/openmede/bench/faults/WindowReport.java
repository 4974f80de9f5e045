package io.openmede.bench.faults;

import io.openmede.bench.faults.FaultAccounting.Outcome;
import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.schemas.avro.DeadLetter;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.values.Printable;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Every window accounted for ({@link FaultAccounting}): expected from the frame batches the broker
 * acknowledged and the ingest frames read back, against the recognitions read and the windows whose
 * frames are in dead letters.
 *
 * @param outcome what became of the expected windows
 * @param deadLettered dead letters with a reason
 */
record WindowReport(Outcome outcome, int deadLettered) {

  /** Accounts and prints the windows, the ingest runs and the dead letters. */
  static WindowReport print(FaultRig rig) {
    Progress progress = rig.progress;
    Ledger ledger = rig.ledger;
    String framesTopic = rig.cluster.topics().frames().name();
    Deserializer<FrameBatch> frames = rig.cluster.topics().frames().valueSerde().deserializer();
    Set<WindowKey> dead = new HashSet<>();
    Map<String, Integer> bySource = new TreeMap<>();
    int withReason = 0;
    for (DeadLetter d : ledger.deadLetters()) {
      bySource.merge(d.getSourceTopic(), 1, Integer::sum);
      if (d.getError() != null && !d.getError().isBlank()) {
        withReason++;
      }
      if (d.getOriginalValue() != null && d.getSourceTopic().equals(framesTopic)) {
        window(d, frames).ifPresent(dead::add);
      }
    }
    List<WindowKey> expected = ledger.expected(rig.settings.topology().window());
    Outcome o = FaultAccounting.account(expected, ledger.recognizedWindows(), dead);
    for (Map.Entry<String, FaultAccounting.StreamFigures> e :
        FaultAccounting.byStream(expected, ledger.recognizedWindows(), dead).entrySet()) {
      FaultAccounting.StreamFigures f = e.getValue();
      progress.line(
          "  stream %-24s windows expected %4d, recognized %4d, lost %d, doubled %d, dead-lettered"
              + " %d",
          Printable.quote(shortId(e.getKey())),
          f.expected(),
          f.recognized(),
          f.lost(),
          f.doubled(),
          f.deadLettered());
    }
    progress.line(
        "%d windows expected from the frame batches the broker acknowledged (%d sends failed)%s;"
            + " %d recognized, %d recognitions read in all (%d unreadable: the campaign's garbage), %d of windows not"
            + " expected",
        o.expected(),
        ledger.failedSends(),
        ledger.ingest().byStream().isEmpty() ? "" : " and the ingest frames read back",
        o.recognized(),
        ledger.seen().size(),
        ledger.unreadableRecognitions(),
        o.unexpected());
    Map<String, Integer> lostBy = new TreeMap<>();
    o.lost().forEach(k -> lostBy.merge(k.stream(), 1, Integer::sum));
    progress.line(
        "windows lost: %d%s",
        o.lost().size(), o.lost().isEmpty() ? "" : " by stream " + lostBy + ": " + first(o.lost()));
    progress.line(
        "windows doubled: %d%s",
        o.doubled().size(), o.doubled().isEmpty() ? "" : " " + first(o.doubled()));
    printIngestRuns(rig);
    progress.line("dead letters: %d with a reason, by source topic %s", withReason, bySource);
    return new WindowReport(o, withReason);
  }

  /** The window of a dead-lettered frame batch; empty for bytes that are not one. */
  private static Optional<WindowKey> window(DeadLetter d, Deserializer<FrameBatch> frames) {
    try {
      ByteBuffer v = d.getOriginalValue().duplicate();
      byte[] b = new byte[v.remaining()];
      v.get(b);
      FrameBatch fb = frames.deserialize(d.getSourceTopic(), b);
      if (fb != null && !fb.getFrames().isEmpty()) {
        return java.util.Optional.of(
            new WindowKey(fb.getStreamId(), fb.getFrames().get(0).getSequence()));
      }
    } catch (RuntimeException notFrames) {
      // bytes that are not a frame batch hold no window
    }
    return java.util.Optional.empty();
  }

  /** An ingest that numbered frames anew in a later run: its windows that count once. */
  private static void printIngestRuns(FaultRig rig) {
    for (Map.Entry<String, List<Set<Long>>> e : rig.ledger.ingest().byStream().entrySet()) {
      Set<WindowKey> earlier = new HashSet<>();
      int reused = 0;
      for (Set<Long> run : e.getValue()) {
        List<WindowKey> windows =
            FaultAccounting.expectedWindows(e.getKey(), run, rig.settings.topology().window());
        for (WindowKey k : windows) {
          if (earlier.contains(k)) {
            reused++;
          }
        }
        earlier.addAll(windows);
      }
      if (e.getValue().size() > 1) {
        rig.progress.line(
            "%s: %d runs of ingest that numbered frames anew: %d windows of a later run have"
                + " the key (stream, first frame) of an earlier run's window and count once",
            e.getKey(), e.getValue().size(), reused);
      }
    }
  }

  private static String shortId(String id) {
    return id.length() <= 40 ? id : id.substring(0, 30) + "...(" + id.length() + " chars)";
  }

  private static String first(List<WindowKey> keys) {
    return keys.size() <= 10
        ? keys.toString()
        : keys.subList(0, 10) + " and " + (keys.size() - 10) + " more";
  }
}
