package io.openmede.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SyntheticClipFeedHeldOutTest {

  /** The held-out clips of the chunks of one set (every third chunk), one every evalEvery clips. */
  private static TreeSet<Integer> heldOutOfTheFirstChunksOfOneSet(
      int chunksOfTheSet, int evalEvery, int setClips) {
    TreeSet<Integer> seen = new TreeSet<>();
    for (long k = 0; k < chunksOfTheSet; k++) {
      long chunk = 3 * k; // the base set's chunks: 0, 3, 6, ...
      int h = SyntheticClipFeed.firstHeldOut(chunk, evalEvery, setClips);
      for (int i = 0; i < 64 / evalEvery; i++) {
        seen.add(h++ % setClips);
      }
    }
    return seen;
  }

  @Test
  void everyActionOfASet_isHeldOutInTurn_notTheFirstFewOfEachChunk() {
    // 13 base actions, one clip in 10 held out: 6 a chunk; the first 3 chunks of the set hold out
    // 18 clips, every one of the 13 actions (starting at 0 each time gave actions 0-5 only)
    assertThat(heldOutOfTheFirstChunksOfOneSet(3, 10, 13)).hasSize(13);
    assertThat(SyntheticClipFeed.firstHeldOut(0, 10, 13)).isZero();
    assertThat(SyntheticClipFeed.firstHeldOut(3, 10, 13)).isEqualTo(6);
    assertThat(SyntheticClipFeed.firstHeldOut(6, 10, 13)).isEqualTo(12);
    assertThat(SyntheticClipFeed.firstHeldOut(9, 10, 13)).isEqualTo(5);
  }

  @Test
  void theOtherSetsChunks_andNoHeldOut_startAtTheirOwnCount() {
    assertThat(SyntheticClipFeed.firstHeldOut(1, 10, 7)).isZero();
    assertThat(SyntheticClipFeed.firstHeldOut(4, 10, 7)).isEqualTo(6);
    assertThat(SyntheticClipFeed.firstHeldOut(5, 0, 7)).isZero();
    assertThat(SyntheticClipFeed.firstHeldOut(Long.MAX_VALUE - 1, 1, 13)).isBetween(0, 12);
  }
}
