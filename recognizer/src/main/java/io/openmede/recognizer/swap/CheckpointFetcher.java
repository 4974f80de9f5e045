package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fetches an announced checkpoint's weights into a local cache directory and verifies the copy's
 * size and SHA-256 against the announcement, so that what is loaded is exactly what was verified.
 * Supports {@code file:} URIs (the directory checkpoint store) and absolute paths.
 *
 * <p>An announcement is written by whoever can write the topic, so nothing it names is trusted: the
 * file must be a regular file whose real path (symbolic links followed) lies under one of the
 * configured checkpoint store roots ({@code recognizer.checkpoints.roots}); the announced size must
 * be between 1 byte and {@value #MAX_BYTES} bytes and equal the file's size; no more than the
 * announced size is ever read. The cache keeps the {@value #KEEP} newest verified copies.
 *
 * <p>Thread-safe if different versions are fetched concurrently.
 */
public final class CheckpointFetcher {

  /** The largest checkpoint accepted (a ViT-L/14 in float32 is about 1.7 GB). */
  public static final long MAX_BYTES = 8L << 30;

  /** Verified copies kept in the cache. */
  public static final int KEEP = 3;

  private final Path cacheDir;
  private final List<Path> roots;

  /**
   * @param cacheDir where verified copies are kept, created if missing
   * @param roots the checkpoint store directories announced files may lie in
   */
  public CheckpointFetcher(Path cacheDir, List<Path> roots) {
    this.cacheDir = cacheDir;
    this.roots = List.copyOf(roots);
  }

  /**
   * Copies and verifies the announced file.
   *
   * @return the verified local copy
   * @throws CheckpointRefusedException with reason {@code fetch}, {@code confined}, {@code size} or
   *     {@code hash}
   */
  public Path fetch(CheckpointAnnouncement a) throws CheckpointRefusedException {
    String version = a.getVersion();
    Path source = confined(a, sourceOf(a));
    long announced = a.getSizeBytes();
    if (announced < 1 || announced > MAX_BYTES) {
      throw new CheckpointRefusedException(
          version,
          "size",
          new IOException(
              "announced size " + announced + " bytes is outside 1.." + MAX_BYTES + " bytes"));
    }
    long actual;
    try {
      actual = Files.size(source);
    } catch (IOException e) {
      throw new CheckpointRefusedException(
          version, "fetch", new IOException("cannot read " + source + ": " + e, e));
    }
    if (actual != announced) {
      throw new CheckpointRefusedException(
          version,
          "size",
          new IOException("file " + source + " has " + actual + " bytes, announced " + announced));
    }
    Path target = cacheDir.resolve(safeName(version) + ".safetensors");
    Path partial =
        cacheDir.resolve(safeName(version) + "." + Thread.currentThread().getId() + ".partial");
    String hash;
    long size;
    try {
      Files.createDirectories(cacheDir);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
          OutputStream out = Files.newOutputStream(partial)) {
        size = copyAtMost(in, out, sha, announced + 1);
      }
      hash = HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new CheckpointRefusedException(
          version, "fetch", new IOException("cannot read " + source + ": " + e, e));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try {
      if (size != announced) {
        throw new CheckpointRefusedException(
            version,
            "size",
            new IOException(
                "file "
                    + source
                    + " changed while read: "
                    + size
                    + "+ bytes, announced "
                    + announced));
      }
      if (!hash.equalsIgnoreCase(a.getSha256())) {
        throw new CheckpointRefusedException(
            version,
            "hash",
            new IOException(
                "sha256 of " + source + " is " + hash + ", announced " + a.getSha256()));
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
      prune(target);
      return target;
    } catch (IOException e) {
      throw new CheckpointRefusedException(version, "fetch", e);
    } finally {
      deleteQuietly(partial);
    }
  }

  /**
   * Copies {@code source} into the cache directory and digests it exactly as {@link #fetch} copies
   * and verifies an announced file, for a rehearsal of the swap path at start ({@link
   * CheckpointInstaller#rehearse}): the copy is not a verified checkpoint (no announcement, no root
   * check) and is not kept; delete it with {@link #discard}.
   *
   * @return the copy
   * @throws IOException when {@code source} cannot be read or the cache directory written
   */
  public Path rehearsalCopy(Path source) throws IOException {
    Files.createDirectories(cacheDir);
    Path copy =
        cacheDir.resolve(
            "rehearsal." + ProcessHandle.current().pid() + "." + Thread.currentThread().getId());
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(source);
          OutputStream out = Files.newOutputStream(copy)) {
        copyAtMost(in, out, sha, MAX_BYTES + 1);
      }
      HexFormat.of().formatHex(sha.digest());
      return copy;
    } catch (IOException e) {
      deleteQuietly(copy);
      throw e;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Deletes a copy made by {@link #rehearsalCopy}. */
  public void discard(Path copy) {
    deleteQuietly(copy);
  }

  private static Path sourceOf(CheckpointAnnouncement a) throws CheckpointRefusedException {
    String version = a.getVersion();
    try {
      URI uri = URI.create(a.getUri());
      Path p;
      if (uri.getScheme() == null) {
        p = Path.of(a.getUri());
      } else if ("file".equals(uri.getScheme())) {
        p = Path.of(uri);
      } else {
        throw new CheckpointRefusedException(
            version,
            "fetch",
            new IOException(
                "unsupported checkpoint URI scheme '"
                    + uri.getScheme()
                    + "' in "
                    + a.getUri()
                    + "; expected file:"));
      }
      if (!p.isAbsolute()) {
        throw new CheckpointRefusedException(
            version,
            "confined",
            new IOException("checkpoint path " + a.getUri() + " is not absolute"));
      }
      return p;
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new CheckpointRefusedException(version, "fetch", e);
    }
  }

  private Path confined(CheckpointAnnouncement a, Path p) throws CheckpointRefusedException {
    String version = a.getVersion();
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new CheckpointRefusedException(
          version, "fetch", new IOException("cannot read " + p + ": " + e, e));
    }
    boolean inside = false;
    for (Path root : roots) {
      try {
        if (real.startsWith(root.toRealPath()) && !real.equals(root.toRealPath())) {
          inside = true;
          break;
        }
      } catch (IOException e) {
        // a root that does not exist (yet) holds nothing
      }
    }
    if (!inside) {
      throw new CheckpointRefusedException(
          version,
          "confined",
          new IOException(
              "checkpoint file "
                  + p
                  + " is outside the checkpoint store roots "
                  + roots
                  + " (setting recognizer.checkpoints.roots)"));
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new CheckpointRefusedException(
          version, "confined", new IOException("checkpoint " + p + " is not a regular file"));
    }
    return real;
  }

  private static long copyAtMost(InputStream in, OutputStream out, MessageDigest sha, long max)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long total = 0;
    while (total < max) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, max - total));
      if (n < 0) {
        break;
      }
      sha.update(buf, 0, n);
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  /** Deletes all but the {@value #KEEP} newest verified copies ({@code keep} among them). */
  private void prune(Path keep) {
    List<Path> copies = new ArrayList<>();
    try (Stream<Path> s = Files.list(cacheDir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).forEach(copies::add);
    } catch (IOException e) {
      return;
    }
    copies.sort(Comparator.comparing(CheckpointFetcher::modified).reversed());
    int kept = 0;
    for (Path p : copies) {
      if (p.equals(keep) || kept < KEEP - 1) {
        if (!p.equals(keep)) {
          kept++;
        }
        continue;
      }
      deleteQuietly(p);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover file is overwritten or pruned by a later fetch
    }
  }

  private static String safeName(String version) {
    String s = version.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.length() > 100
        ? s.substring(0, 100) + "-" + Integer.toHexString(version.hashCode())
        : s;
  }
}
