package io.openmede.events.clips;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where event clips live: one MP4, one JPEG thumbnail and one {@link Entry} per event id. {@link
 * DirectoryClipStore} keeps them in a directory; object storage is a later implementation. The
 * contract ({@code ClipStoreContract}): a {@link #put} is atomic and replaces the event's earlier
 * clip, so a repeat after a restart leaves one clip; an entry is listed only once its video and
 * thumbnail are complete; a clip marked {@link #keep} is never removed by {@link #deleteOld}.
 * Implementations are thread-safe; several processes may share a store (the clip maker writes and
 * deletes, the page reads, marks and deletes).
 */
public interface ClipStore {

  /**
   * What the store knows of one clip.
   *
   * @param eventId the episode's event id
   * @param name the store's name for the clip (derived from the event id, never from input)
   * @param rule the episode's rule
   * @param streamId the stream
   * @param label the rule's label
   * @param startedAt capture time of the episode's first frame
   * @param endedAt capture time of the episode's last frame
   * @param durationMillis length of the clip in milliseconds
   * @param frames frames in the clip
   * @param width width in pixels
   * @param height height in pixels
   * @param sizeBytes size of the MP4
   * @param sha256 lower-case hex SHA-256 of the MP4
   * @param cut whether the episode was longer than the clip
   * @param madeAt when the clip was stored
   * @param keep whether someone asked to keep it (retention spares it)
   */
  record Entry(
      String eventId,
      String name,
      String rule,
      String streamId,
      String label,
      Instant startedAt,
      Instant endedAt,
      long durationMillis,
      int frames,
      int width,
      int height,
      long sizeBytes,
      String sha256,
      boolean cut,
      Instant madeAt,
      boolean keep) {

    /** The clip's URI in the store ({@code clips:<name>.mp4}). */
    public String uri() {
      return "clips:" + name + ".mp4";
    }

    /** The thumbnail's URI in the store ({@code clips:<name>.jpg}). */
    public String thumbnailUri() {
      return "clips:" + name + ".jpg";
    }

    Entry withKeep(boolean k) {
      return new Entry(
          eventId,
          name,
          rule,
          streamId,
          label,
          startedAt,
          endedAt,
          durationMillis,
          frames,
          width,
          height,
          sizeBytes,
          sha256,
          cut,
          madeAt,
          k);
    }
  }

  /**
   * What a clip is of, as the maker describes it before storing; size and hash are the store's to
   * compute.
   */
  record Description(
      String eventId,
      String rule,
      String streamId,
      String label,
      Instant startedAt,
      Instant endedAt,
      long durationMillis,
      int frames,
      int width,
      int height,
      boolean cut) {}

  /**
   * Stores a clip, replacing the event's earlier one (keeping its keep mark). Atomic: readers see
   * the old clip or the new one, never a part.
   *
   * @param video the MP4 file (moved or copied into the store)
   * @param thumbnail the JPEG thumbnail's bytes
   * @throws IOException when the store cannot be written, or the video exceeds the store's limit
   */
  Entry put(Description what, Path video, byte[] thumbnail) throws IOException;

  /** The clip of {@code eventId}, if stored. */
  Optional<Entry> find(String eventId) throws IOException;

  /** Every stored clip, oldest ({@link Entry#madeAt}) first. */
  List<Entry> list() throws IOException;

  /** Opens the clip's MP4 for reading from any position (HTTP range requests). */
  SeekableByteChannel openVideo(Entry entry) throws IOException;

  /** The clip's JPEG thumbnail. */
  byte[] thumbnail(Entry entry) throws IOException;

  /** Marks (or unmarks) a clip keep; false when there is no such clip. */
  boolean keep(String eventId, boolean keep) throws IOException;

  /** Deletes a clip, kept or not (an operator's choice); false when there was none. */
  boolean delete(String eventId) throws IOException;

  /**
   * Retention: deletes unkept clips made before {@code olderThan}, then the oldest unkept clips
   * until the store's total size is at most {@code maxBytes}. Kept clips are never deleted, and
   * count against the budget.
   *
   * @return the clips deleted, oldest first
   */
  default List<Entry> deleteOld(Instant olderThan, long maxBytes) throws IOException {
    List<Entry> all = list();
    long total = 0;
    for (Entry e : all) {
      total += e.sizeBytes();
    }
    List<Entry> gone = new java.util.ArrayList<>();
    for (Entry e : all) {
      if (e.keep()) {
        continue;
      }
      if (e.madeAt().isBefore(olderThan) || total > maxBytes) {
        if (delete(e.eventId())) {
          total -= e.sizeBytes();
          gone.add(e);
        }
      }
    }
    return List.copyOf(gone);
  }
}
