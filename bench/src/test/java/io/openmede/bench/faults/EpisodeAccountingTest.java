package io.openmede.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.bench.faults.EpisodeAccounting.EventSeen;
import io.openmede.bench.faults.EpisodeAccounting.RuleFigures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpisodeAccountingTest {

  @Test
  void byRule_countsOpensAndClosesBeforeAndAfterTheFaults() {
    Map<String, RuleFigures> f =
        EpisodeAccounting.byRule(
            List.of(
                open("r", "cam-0", "e1", 5),
                close("r", "cam-0", "e1", 6),
                open("r", "cam-1", "e2", 50), // during the faults: neither before nor after
                open("r", "cam-0", "e3", 120),
                open("q", "cam-0", "f1", 5)),
            10,
            100);
    RuleFigures r = f.get("r");
    assertThat(r.opened()).isEqualTo(3);
    assertThat(r.closed()).isEqualTo(1);
    assertThat(r.openedBefore()).isEqualTo(1);
    assertThat(r.openedAfter()).isEqualTo(1);
    assertThat(r.streams()).containsExactly("cam-0", "cam-1");
    assertThat(r.muted()).isFalse();
    assertThat(r.lost()).isZero();
    assertThat(r.doubled()).isZero();
    // q opened before the faults and never after: muted
    assertThat(f.get("q").muted()).isTrue();
  }

  @Test
  void byRule_anEventReadTwiceIsDoubled_aCloseWithoutItsOpenIsLost() {
    RuleFigures r =
        EpisodeAccounting.byRule(
                List.of(
                    open("r", "cam-0", "e1", 1),
                    open("r", "cam-0", "e1", 2), // the same open again
                    close("r", "cam-0", "e1", 3),
                    close("r", "cam-0", "e1", 4), // and the same close
                    close("r", "cam-0", "e2", 5)), // e2's open never read
                0,
                0)
            .get("r");
    assertThat(r.doubled()).isEqualTo(2);
    assertThat(r.lost()).isEqualTo(1);
    assertThat(r.opened()).isEqualTo(1);
    assertThat(r.closed()).isEqualTo(2);
  }

  @Test
  void muted_aRuleThatNeverOpenedBeforeTheFaultsIsNotMuted() {
    RuleFigures r =
        EpisodeAccounting.byRule(List.of(open("r", "cam-0", "e1", 50)), 10, 100).get("r");
    assertThat(r.muted()).isFalse();
  }

  private static EventSeen open(String rule, String stream, String id, long t) {
    return new EventSeen(rule, stream, id, true, t);
  }

  private static EventSeen close(String rule, String stream, String id, long t) {
    return new EventSeen(rule, stream, id, false, t);
  }
}
