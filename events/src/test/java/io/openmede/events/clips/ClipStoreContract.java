package io.openmede.events.clips;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ClipStore} promises; each implementation's test extends this. */
abstract class ClipStoreContract {

  @TempDir Path tmp;

  /** A fresh, empty store. */
  abstract ClipStore store() throws Exception;

  /** Moves the store's clock forward (the store stamps {@code madeAt} from it). */
  abstract void advance(long millis);

  Path video(int bytes) throws Exception {
    Path p = Files.createTempFile(tmp, "v", ".mp4");
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      b[i] = (byte) i;
    }
    Files.write(p, b);
    return p;
  }

  static ClipStore.Description what(String eventId) {
    return new ClipStore.Description(
        eventId,
        "falls",
        "cam-1",
        "falling",
        Instant.parse("2026-01-01T03:00:00Z"),
        Instant.parse("2026-01-01T03:00:05Z"),
        5000,
        50,
        160,
        120,
        false);
  }

  @Test
  void put_thenFindAndRead_giveTheSameBytesAndHash() throws Exception {
    ClipStore s = store();
    ClipStore.Entry e = s.put(what("falls/cam-1/0"), video(1000), new byte[] {1, 2, 3});
    assertThat(s.find("falls/cam-1/0")).contains(e);
    assertThat(e.sizeBytes()).isEqualTo(1000);
    assertThat(e.sha256()).hasSize(64);
    assertThat(s.thumbnail(e)).containsExactly(1, 2, 3);
    try (SeekableByteChannel c = s.openVideo(e)) {
      c.position(10);
      ByteBuffer b = ByteBuffer.allocate(3);
      c.read(b);
      assertThat(b.array()).containsExactly(10, 11, 12);
    }
  }

  @Test
  void put_twice_leavesOneClip_andKeepsTheKeepMark() throws Exception {
    ClipStore s = store();
    s.put(what("falls/cam-1/0"), video(100), new byte[] {1});
    assertThat(s.keep("falls/cam-1/0", true)).isTrue();
    s.put(what("falls/cam-1/0"), video(200), new byte[] {2});
    assertThat(s.list()).hasSize(1);
    assertThat(s.list().get(0).sizeBytes()).isEqualTo(200);
    assertThat(s.list().get(0).keep()).isTrue();
  }

  @Test
  void eventIdsThatLookLikePaths_stayInsideTheStore() throws Exception {
    ClipStore s = store();
    ClipStore.Entry e = s.put(what("../../etc/passwd"), video(10), new byte[] {1});
    assertThat(e.name()).matches("[0-9a-f]{32}");
    assertThat(s.find("../../etc/passwd")).isPresent();
    assertThat(s.find("something else")).isEmpty();
  }

  @Test
  void deleteOld_overTheBudget_deletesTheOldestUnkeptClip_andAKeptOneSurvives() throws Exception {
    ClipStore s = store();
    s.put(what("a"), video(1000), new byte[] {1}); // oldest, kept
    advance(1000);
    s.put(what("b"), video(1000), new byte[] {1}); // oldest unkept
    advance(1000);
    s.put(what("c"), video(1000), new byte[] {1});
    s.keep("a", true);

    var gone = s.deleteOld(Instant.EPOCH, 2500);

    assertThat(gone).extracting(ClipStore.Entry::eventId).containsExactly("b");
    assertThat(s.list()).extracting(ClipStore.Entry::eventId).containsExactly("a", "c");
  }

  @Test
  void deleteOld_byAge_sparesKeptAndYoungerClips() throws Exception {
    ClipStore s = store();
    s.put(what("old-kept"), video(10), new byte[] {1});
    s.put(what("old"), video(10), new byte[] {1});
    s.keep("old-kept", true);
    advance(10_000);
    s.put(what("young"), video(10), new byte[] {1});
    Instant cut = s.find("young").orElseThrow().madeAt().minusMillis(5000);

    var gone = s.deleteOld(cut, Long.MAX_VALUE);

    assertThat(gone).extracting(ClipStore.Entry::eventId).containsExactly("old");
    assertThat(s.list()).extracting(ClipStore.Entry::eventId).containsExactly("old-kept", "young");
  }

  @Test
  void deleteOld_keptClipsAloneOverTheBudget_deleteNothingKept() throws Exception {
    ClipStore s = store();
    s.put(what("a"), video(1000), new byte[] {1});
    s.keep("a", true);
    assertThat(s.deleteOld(Instant.EPOCH, 10)).isEmpty();
    assertThat(s.list()).hasSize(1);
  }

  @Test
  void delete_removesAClip_andKeepOnAMissingClipIsFalse() throws Exception {
    ClipStore s = store();
    s.put(what("a"), video(10), new byte[] {1});
    assertThat(s.delete("a")).isTrue();
    assertThat(s.delete("a")).isFalse();
    assertThat(s.keep("a", true)).isFalse();
    assertThat(s.list()).isEmpty();
  }
}
