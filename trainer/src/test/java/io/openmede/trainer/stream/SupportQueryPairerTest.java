package io.openmede.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SupportQueryPairerTest {

  @Test
  void offer_clipsOneTo2NB_formConsecutiveTasksInOrder_eachClipOnce() {
    int n = 3;
    int b = 2;
    SupportQueryPairer<Integer> pairer = new SupportQueryPairer<>(n, b);
    List<List<SupportQueryPair<Integer>>> updates = new ArrayList<>();
    for (int clip = 1; clip <= 2 * 2 * n * b; clip++) {
      Optional<List<SupportQueryPair<Integer>>> u = pairer.offer(clip);
      if (clip % (2 * n * b) != 0) {
        assertThat(u).as("clip %d", clip).isEmpty();
      }
      u.ifPresent(updates::add);
    }
    assertThat(updates).hasSize(2);
    assertThat(updates.get(0))
        .containsExactly(
            new SupportQueryPair<>(List.of(1, 2), List.of(3, 4)),
            new SupportQueryPair<>(List.of(5, 6), List.of(7, 8)),
            new SupportQueryPair<>(List.of(9, 10), List.of(11, 12)));
    assertThat(updates.get(1).get(0))
        .isEqualTo(new SupportQueryPair<>(List.of(13, 14), List.of(15, 16)));
    List<Integer> used = new ArrayList<>();
    for (List<SupportQueryPair<Integer>> u : updates) {
      for (SupportQueryPair<Integer> t : u) {
        used.addAll(t.support());
        used.addAll(t.query());
      }
    }
    assertThat(used)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 24).boxed().toList());
    assertThat(pairer.pending()).isEmpty();
  }

  @Test
  void offsetTracker_resumesAtOldestWaitingClip_elseAfterLastHandled() {
    OffsetTracker t = new OffsetTracker(java.util.Map.of(0, 5L));
    t.waiting(0, 5);
    t.waiting(0, 6);
    t.handled(0, 7); // a dead letter after two waiting clips
    assertThat(t.resumeOffsets()).containsEntry(0, 5L);
    t.trainedAllWaiting();
    assertThat(t.resumeOffsets()).containsEntry(0, 8L);
  }
}
