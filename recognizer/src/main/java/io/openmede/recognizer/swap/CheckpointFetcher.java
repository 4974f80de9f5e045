package io.openmede.recognizer.swap;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fetches an announced checkpoint's weights into a local cache directory and verifies the copy's
 * size and SHA-256 against the announcement, so that what is loaded is exactly what was verified.
 * Supports {@code file:} URIs (the directory checkpoint store) and plain paths.
 *
 * <p>Thread-safe if different versions are fetched concurrently.
 */
public final class CheckpointFetcher {

  private final Path cacheDir;

  /**
   * @param cacheDir where verified copies are kept, created if missing
   */
  public CheckpointFetcher(Path cacheDir) {
    this.cacheDir = cacheDir;
  }

  /**
   * Copies and verifies the announced file.
   *
   * @return the verified local copy
   * @throws CheckpointRefusedException with reason {@code fetch}, {@code size} or {@code hash}
   */
  public Path fetch(CheckpointAnnouncement a) throws CheckpointRefusedException {
    String version = a.getVersion();
    Path source;
    try {
      URI uri = URI.create(a.getUri());
      if (uri.getScheme() == null) {
        source = Path.of(a.getUri());
      } else if ("file".equals(uri.getScheme())) {
        source = Path.of(uri);
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
    } catch (IllegalArgumentException e) {
      throw new CheckpointRefusedException(version, "fetch", e);
    }
    Path target = cacheDir.resolve(safeName(version) + ".safetensors");
    Path partial = cacheDir.resolve(safeName(version) + ".partial");
    String hash;
    long size;
    try {
      Files.createDirectories(cacheDir);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(source), sha)) {
        size = Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      hash = HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new CheckpointRefusedException(
          version, "fetch", new IOException("cannot read " + source + ": " + e, e));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try {
      if (size != a.getSizeBytes()) {
        throw new CheckpointRefusedException(
            version,
            "size",
            new IOException(
                "file " + source + " has " + size + " bytes, announced " + a.getSizeBytes()));
      }
      if (!hash.equalsIgnoreCase(a.getSha256())) {
        throw new CheckpointRefusedException(
            version,
            "hash",
            new IOException(
                "sha256 of " + source + " is " + hash + ", announced " + a.getSha256()));
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new CheckpointRefusedException(version, "fetch", e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // a leftover partial file is overwritten by the next fetch
      }
    }
  }

  private static String safeName(String version) {
    return version.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
