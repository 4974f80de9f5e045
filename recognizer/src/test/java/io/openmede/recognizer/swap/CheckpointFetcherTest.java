package io.openmede.recognizer.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFetcherTest {

  @TempDir Path dir;

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static CheckpointAnnouncement announcement(
      String version, String uri, String sha, long size, String preset) {
    return CheckpointAnnouncement.newBuilder()
        .setModelName("openmede")
        .setVersion(version)
        .setUri(uri)
        .setSha256(sha)
        .setSizeBytes(size)
        .setPreset(preset)
        .setTraining(
            new TrainingSummary("open-mede", 1L, 8L, Map.of(), 15.0, 10.0, 4, 1, 1e-3, 1e-3, 1.0))
        .setCreatedAt(Instant.ofEpochMilli(0))
        .build();
  }

  @Test
  void fetch_matchingSizeAndHash_returnsAVerifiedCopy() throws Exception {
    byte[] data = "weights".getBytes();
    Path file = Files.write(dir.resolve("w.safetensors"), data);
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    Path copy =
        f.fetch(announcement("v2", file.toUri().toString(), sha256(data), data.length, "tiny"));
    assertThat(copy).hasBinaryContent(data);
    assertThat(copy.getParent()).isEqualTo(dir.resolve("cache"));
  }

  @Test
  void fetch_hashMismatch_isRefusedWithBothHashes() throws Exception {
    byte[] data = "weights".getBytes();
    Path file = Files.write(dir.resolve("w.safetensors"), data);
    String wrong = sha256("other".getBytes());
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    assertThatThrownBy(
            () -> f.fetch(announcement("v2", file.toUri().toString(), wrong, data.length, "tiny")))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("refused (hash)")
        .hasMessageContaining(sha256(data))
        .hasMessageContaining(wrong)
        .satisfies(e -> assertThat(((CheckpointRefusedException) e).reason()).isEqualTo("hash"));
    assertThat(dir.resolve("cache")).isEmptyDirectory();
  }

  @Test
  void fetch_truncatedFile_isRefusedBySize() throws Exception {
    byte[] data = "weights".getBytes();
    Path file = Files.write(dir.resolve("w.safetensors"), data);
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    assertThatThrownBy(
            () -> f.fetch(announcement("v2", file.toString(), sha256(data), 100, "tiny")))
        .hasMessageContaining("refused (size)")
        .hasMessageContaining("has 7 bytes, announced 100");
  }

  @Test
  void fetch_missingFile_isRefused() {
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    assertThatThrownBy(
            () -> f.fetch(announcement("v2", dir.resolve("nope").toUri().toString(), "00", 1, "t")))
        .hasMessageContaining("refused (fetch)");
  }

  @Test
  void fetch_httpUri_isRefusedNamingTheScheme() {
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    assertThatThrownBy(() -> f.fetch(announcement("v2", "http://x/w", "00", 1, "tiny")))
        .hasMessageContaining("unsupported checkpoint URI scheme 'http'");
  }

  @Test
  void fetch_fileOutsideTheStoreRoots_isRefusedAsConfined(@TempDir Path elsewhere)
      throws Exception {
    byte[] data = "weights".getBytes();
    Path file = Files.write(elsewhere.resolve("w.safetensors"), data);
    CheckpointFetcher f =
        new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir.resolve("store")));
    assertThatThrownBy(
            () ->
                f.fetch(
                    announcement("v2", file.toUri().toString(), sha256(data), data.length, "t")))
        .hasMessageContaining("refused (confined)")
        .hasMessageContaining("recognizer.checkpoints.roots");
    // nor by climbing out of a root with ..
    Files.createDirectories(dir.resolve("store"));
    String climbing = dir.resolve("store").toString() + "/../../" + elsewhere.getFileName();
    assertThatThrownBy(
            () ->
                f.fetch(
                    announcement(
                        "v3", climbing + "/w.safetensors", sha256(data), data.length, "t")))
        .hasMessageContaining("refused (confined)");
  }

  @Test
  void fetch_symbolicLinkInsideARootPointingOutside_isRefused(@TempDir Path elsewhere)
      throws Exception {
    byte[] data = "weights".getBytes();
    Path secret = Files.write(elsewhere.resolve("secret"), data);
    Path store = Files.createDirectories(dir.resolve("store"));
    Path link = Files.createSymbolicLink(store.resolve("w.safetensors"), secret);
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(store));
    assertThatThrownBy(
            () -> f.fetch(announcement("v2", link.toString(), sha256(data), data.length, "t")))
        .hasMessageContaining("refused (confined)");
  }

  @Test
  void fetch_relativePathDirectoryOrAbsurdSize_isRefused() throws Exception {
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    assertThatThrownBy(() -> f.fetch(announcement("v2", "w.safetensors", "00", 1, "t")))
        .hasMessageContaining("not absolute");
    Path sub = Files.createDirectories(dir.resolve("sub"));
    assertThatThrownBy(() -> f.fetch(announcement("v3", sub.toString(), "00", 1, "t")))
        .hasMessageContaining("not a regular file");
    Path file = Files.write(dir.resolve("w.safetensors"), new byte[] {1});
    assertThatThrownBy(
            () ->
                f.fetch(
                    announcement(
                        "v4", file.toString(), "00", CheckpointFetcher.MAX_BYTES + 1, "t")))
        .hasMessageContaining("refused (size)")
        .hasMessageContaining("outside 1..");
    assertThatThrownBy(() -> f.fetch(announcement("v5", file.toString(), "00", -1, "t")))
        .hasMessageContaining("refused (size)");
  }

  @Test
  void cache_keepsOnlyTheNewestVerifiedCopies() throws Exception {
    CheckpointFetcher f = new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir));
    for (int v = 0; v < CheckpointFetcher.KEEP + 2; v++) {
      byte[] data = ("weights " + v).getBytes();
      Path file = Files.write(dir.resolve("w" + v + ".safetensors"), data);
      f.fetch(announcement("v" + v, file.toString(), sha256(data), data.length, "t"));
      Thread.sleep(20);
    }
    try (var s = Files.list(dir.resolve("cache"))) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("v2.safetensors", "v3.safetensors", "v4.safetensors");
    }
  }
}
