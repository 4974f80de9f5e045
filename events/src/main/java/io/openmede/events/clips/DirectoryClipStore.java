package io.openmede.events.clips;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClipStore} in one directory. A clip of event id {@code e} is three files named by the
 * first 32 hex digits of SHA-256({@code e}), never by anything a record says, so no event id can
 * reach outside the directory: {@code <name>.mp4}, {@code <name>.jpg} and the manifest {@code
 * <name>.json}, written last; a clip exists once its manifest does. Every file is written to a
 * temporary name and moved into place atomically, so a crash leaves the old clip or the new one
 * (and perhaps a temporary file, removed at the next open).
 */
public final class DirectoryClipStore implements ClipStore {

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryClipStore.class);

  /** The largest manifest read back (a manifest is a few hundred bytes). */
  static final int MAX_MANIFEST_BYTES = 64 * 1024;

  /** The largest thumbnail stored. */
  static final int MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024;

  private static final String TEMP = ".tmp-";

  private final Path root;
  private final long maxVideoBytes;
  private final Clock clock;
  private final ObjectMapper json =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Opens (creating) the store in {@code root}.
   *
   * @param maxVideoBytes the largest MP4 {@link #put} accepts
   */
  public DirectoryClipStore(Path root, long maxVideoBytes, Clock clock) throws IOException {
    this.root = Files.createDirectories(root).toRealPath();
    this.maxVideoBytes = maxVideoBytes;
    this.clock = clock;
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(this.root, TEMP + "*")) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  public DirectoryClipStore(Path root, long maxVideoBytes) throws IOException {
    this(root, maxVideoBytes, Clock.systemUTC());
  }

  /** The directory. */
  public Path root() {
    return root;
  }

  /** The store's name for the clip of {@code eventId}: 32 hex digits of its SHA-256. */
  public static String nameOf(String eventId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(eventId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path file(String name, String ext) {
    if (!name.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("not a clip name: " + name);
    }
    Path p = root.resolve(name + ext).normalize();
    if (!p.getParent().equals(root)) {
      throw new IllegalArgumentException("clip file outside the store: " + p);
    }
    return p;
  }

  @Override
  public synchronized Entry put(Description what, java.nio.file.Path video, byte[] thumbnail)
      throws IOException {
    long size = Files.size(video);
    if (size > maxVideoBytes) {
      throw new IOException(
          "the clip of "
              + what.eventId()
              + " is "
              + size
              + " bytes, over clips.max-bytes "
              + maxVideoBytes
              + ": lower clips.max-length or raise clips.max-bytes");
    }
    if (thumbnail.length > MAX_THUMBNAIL_BYTES) {
      throw new IOException("thumbnail of " + thumbnail.length + " bytes is too large");
    }
    String name = nameOf(what.eventId());
    boolean keep = find(what.eventId()).map(Entry::keep).orElse(false);
    String sha = sha256(video);
    Path tmpVideo = temp();
    Files.copy(video, tmpVideo, StandardCopyOption.REPLACE_EXISTING);
    move(tmpVideo, file(name, ".mp4"));
    Path tmpThumb = temp();
    Files.write(tmpThumb, thumbnail);
    move(tmpThumb, file(name, ".jpg"));
    Entry e =
        new Entry(
            what.eventId(),
            name,
            what.rule(),
            what.streamId(),
            what.label(),
            what.startedAt(),
            what.endedAt(),
            what.durationMillis(),
            what.frames(),
            what.width(),
            what.height(),
            size,
            sha,
            what.cut(),
            clock.instant(),
            keep);
    writeManifest(e);
    return e;
  }

  private void writeManifest(Entry e) throws IOException {
    Path tmp = temp();
    Files.write(tmp, json.writeValueAsBytes(e));
    move(tmp, file(e.name(), ".json"));
  }

  private Path temp() {
    return root.resolve(TEMP + UUID.randomUUID());
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<Entry> find(String eventId) throws IOException {
    return read(file(nameOf(eventId), ".json"))
        .filter(e -> e.eventId().equals(eventId)); // a hash collision is not this event's clip
  }

  private Optional<Entry> read(Path manifest) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(manifest)) {
      bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (bytes.length > MAX_MANIFEST_BYTES) {
      LOG.warn("ignored the clip manifest {}: over {} bytes", manifest, MAX_MANIFEST_BYTES);
      return Optional.empty();
    }
    try {
      Entry e = json.readValue(bytes, Entry.class);
      if (e.eventId() == null || !nameOf(e.eventId()).equals(e.name()) || e.madeAt() == null) {
        LOG.warn("ignored the clip manifest {}: its name does not match its event id", manifest);
        return Optional.empty();
      }
      return Optional.of(e);
    } catch (IOException | RuntimeException ex) {
      LOG.warn("ignored the clip manifest {}: {}", manifest, ex.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public List<Entry> list() throws IOException {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "*.json")) {
      for (Path p : ds) {
        read(p).ifPresent(out::add);
      }
    }
    out.sort(Comparator.comparing(Entry::madeAt).thenComparing(Entry::eventId));
    return out;
  }

  @Override
  public SeekableByteChannel openVideo(Entry entry) throws IOException {
    return Files.newByteChannel(file(entry.name(), ".mp4"), StandardOpenOption.READ);
  }

  @Override
  public byte[] thumbnail(Entry entry) throws IOException {
    try (InputStream in = Files.newInputStream(file(entry.name(), ".jpg"))) {
      return in.readNBytes(MAX_THUMBNAIL_BYTES);
    }
  }

  @Override
  public synchronized boolean keep(String eventId, boolean keep) throws IOException {
    Optional<Entry> e = find(eventId);
    if (e.isEmpty()) {
      return false;
    }
    writeManifest(e.get().withKeep(keep));
    return true;
  }

  @Override
  public synchronized boolean delete(String eventId) throws IOException {
    Optional<Entry> e = find(eventId);
    if (e.isEmpty()) {
      return false;
    }
    String name = e.get().name();
    Files.deleteIfExists(file(name, ".json")); // first: the clip is gone as soon as this is
    Files.deleteIfExists(file(name, ".mp4"));
    Files.deleteIfExists(file(name, ".jpg"));
    return true;
  }

  /** Total bytes of the stored MP4s. */
  public long totalBytes() {
    try {
      return list().stream().mapToLong(Entry::sizeBytes).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
