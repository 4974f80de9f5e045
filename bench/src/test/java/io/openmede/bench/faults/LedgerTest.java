package io.openmede.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.bench.faults.FaultAccounting.WindowKey;
import io.openmede.schemas.avro.Frame;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.FrameEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LedgerTest {

  @Test
  void everyStreamRecognizedSince_waitsForEachStreamAndGivesTheLastFirstRead() {
    Ledger ledger = new Ledger();
    ledger.expect("a");
    ledger.expect("b");
    ledger.sent(new WindowKey("a", 0), 5);
    ledger.sent(new WindowKey("a", 8), 20);
    ledger.sent(new WindowKey("b", 0), 21);
    ledger.recognized(new WindowKey("a", 0), 30); // sent before t0 = 10: does not count
    ledger.recognized(new WindowKey("a", 8), 40);
    assertThat(ledger.everyStreamRecognizedSince(10)).isEmpty();
    ledger.recognized(new WindowKey("b", 0), 35);
    ledger.recognized(new WindowKey("a", 8), 90); // a second read of a: the first counts
    assertThat(ledger.everyStreamRecognizedSince(10)).contains(40L); // a's, not b's 35
    ledger.recognized(new WindowKey("c", 0), 99); // a stream nobody expects
    assertThat(ledger.everyStreamRecognizedSince(10)).contains(40L);
  }

  @Test
  void ingestBatch_aBatchNumberThatGoesBackStartsANewRun() {
    Ledger ledger = new Ledger();
    ledger.ingestBatch(batch("synthetic-0", 0, 4), 1);
    ledger.ingestBatch(batch("synthetic-0", 1, 4), 2);
    ledger.ingestBatch(batch("synthetic-0", 0, 4), 3); // numbered anew after a restart
    assertThat(ledger.ingest().byStream().get("synthetic-0"))
        .containsExactly(Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), Set.of(0L, 1L, 2L, 3L));
    assertThat(ledger.ingest().framesRead("synthetic-0")).isEqualTo(12);
    // a recognition of a window of the ingest stream is timed from the frame's read-back
    ledger.recognized(new WindowKey("synthetic-0", 4), 10);
    assertThat(ledger.seen())
        .containsExactly(new Ledger.Seen(new WindowKey("synthetic-0", 4), 2, 10));
  }

  @Test
  void mutedSince_aStreamWithoutARecognitionOfAWindowSentSinceIsMuted() {
    Ledger ledger = new Ledger();
    ledger.expect("a");
    ledger.expect("b");
    ledger.expect("c");
    ledger.sent(new WindowKey("a", 0), 5);
    ledger.sent(new WindowKey("a", 8), 20);
    ledger.sent(new WindowKey("b", 0), 5);
    ledger.sent(new WindowKey("b", 8), 25);
    ledger.recognized(new WindowKey("a", 8), 30);
    ledger.recognized(new WindowKey("b", 0), 40); // recognized late, but sent before t0
    ledger.recognized(new WindowKey("x", 0), 40); // nobody expects x
    assertThat(ledger.mutedSince(10)).containsExactly("b", "c");
    ledger.recognized(new WindowKey("b", 8), 50);
    assertThat(ledger.mutedSince(10)).containsExactly("c");
    assertThat(ledger.mutedSince(0)).containsExactly("c");
  }

  private static FrameBatch batch(String stream, long seq, int frames) {
    List<Frame> fs = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      fs.add(new Frame(seq * frames + f, Instant.EPOCH, ByteBuffer.wrap(new byte[] {1})));
    }
    return FrameBatch.newBuilder()
        .setStreamId(stream)
        .setBatchSequence(seq)
        .setWidth(1)
        .setHeight(1)
        .setEncoding(FrameEncoding.JPEG)
        .setFrames(fs)
        .setSource("test")
        .build();
  }
}
