package io.openmede.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A {@link CheckpointStore} in a directory: {@code ROOT/VERSION/weights.safetensors} and {@code
 * ROOT/VERSION/manifest.json}.
 *
 * <p>Atomicity: both files are written into a hidden temporary directory {@code ROOT/.tmp-*},
 * hashed and fsynced, and the directory is then renamed to {@code ROOT/VERSION} in one atomic step
 * (and the root fsynced). A reader polling {@code ROOT/VERSION} therefore sees nothing or the
 * complete checkpoint. The SHA-256 and size are computed in the same pass that forces the weights
 * to disk. Thread-safe.
 */
public final class DirectoryCheckpointStore implements CheckpointStore {

  /** File name of the weights inside a version directory. */
  public static final String WEIGHTS = "weights.safetensors";

  /** File name of the manifest inside a version directory. */
  public static final String MANIFEST = "manifest.json";

  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]+");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  /** A store rooted at {@code root} (created when absent). */
  public DirectoryCheckpointStore(Path root) throws IOException {
    this.root = root.toAbsolutePath();
    Files.createDirectories(this.root);
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  @Override
  public StoredCheckpoint put(String version, WeightsWriter weights, Map<String, Object> manifest)
      throws IOException {
    if (!VERSION.matcher(version).matches() || version.startsWith(".")) {
      throw new IllegalArgumentException(
          "checkpoint version '" + version + "' must match [A-Za-z0-9._-]+ and not start with '.'");
    }
    Path target = root.resolve(version);
    if (Files.exists(target)) {
      throw new CheckpointExistsException(version, root.toString());
    }
    Path tmp = root.resolve(".tmp-" + version + "-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    try {
      Path weightsFile = tmp.resolve(WEIGHTS);
      weights.writeTo(weightsFile);
      if (!Files.isRegularFile(weightsFile)) {
        throw new IOException("the weights writer wrote no file for checkpoint " + version);
      }
      Digest d = hashAndSync(weightsFile);
      Map<String, Object> m = new LinkedHashMap<>(manifest);
      m.put("version", version);
      m.put("weights", WEIGHTS);
      m.put("sha256", d.sha256());
      m.put("sizeBytes", d.size());
      Path manifestFile = tmp.resolve(MANIFEST);
      Files.write(manifestFile, JSON.writeValueAsBytes(m));
      hashAndSync(manifestFile);
      syncDirectory(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            "the file system of " + root + " cannot rename atomically; use a local directory", e);
      }
      syncDirectory(root);
      return new StoredCheckpoint(version, target.resolve(WEIGHTS).toUri(), d.sha256(), d.size());
    } finally {
      deleteRecursively(tmp);
    }
  }

  @Override
  public Optional<StoredCheckpoint> find(String version) throws IOException {
    Path dir = root.resolve(version);
    Path manifestFile = dir.resolve(MANIFEST);
    if (!VERSION.matcher(version).matches() || !Files.isRegularFile(manifestFile)) {
      return Optional.empty();
    }
    Map<?, ?> m = JSON.readValue(manifestFile.toFile(), Map.class);
    return Optional.of(
        new StoredCheckpoint(
            version,
            dir.resolve(WEIGHTS).toUri(),
            String.valueOf(m.get("sha256")),
            ((Number) m.get("sizeBytes")).longValue()));
  }

  @Override
  public InputStream open(String version) throws IOException {
    Path file = root.resolve(version).resolve(WEIGHTS);
    if (!VERSION.matcher(version).matches() || !Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no checkpoint version " + version);
    }
    return Files.newInputStream(file);
  }

  /** SHA-256 and size of a file. */
  public record Digest(String sha256, long size) {}

  /** Reads {@code file} once, hashing it, and forces it to disk. */
  public static Digest hashAndSync(Path file) throws IOException {
    MessageDigest md = sha256();
    long size = 0;
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      int n;
      while ((n = ch.read(buf)) > 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
        size += n;
      }
      ch.force(true);
    }
    return new Digest(HexFormat.of().formatHex(md.digest()), size);
  }

  /** SHA-256 (hex) of a file, for readers checking a download. */
  public static String sha256Of(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Forces a directory's entries to disk (a no-op where the platform does not allow it). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open directories; the rename is still atomic there.
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
