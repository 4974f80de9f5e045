package io.openmede.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link CheckpointStore} guarantees. */
abstract class CheckpointStoreContractTest {

  @TempDir Path temp;

  abstract CheckpointStore create(Path root) throws IOException;

  static byte[] payload(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void put_returnsShaAndSizeOfTheWeights_andFindAndOpenAgree() throws Exception {
    CheckpointStore store = create(temp.resolve("store"));
    byte[] data = payload(300_000, 1);
    StoredCheckpoint c = store.put("v1", f -> Files.write(f, data), Map.of("note", "x"));
    assertThat(c.sha256()).isEqualTo(sha256(data));
    assertThat(c.sizeBytes()).isEqualTo(data.length);
    assertThat(store.find("v1")).contains(c);
    try (InputStream in = store.open("v1")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void put_whenWriterFails_leavesNothingVisible() throws Exception {
    CheckpointStore store = create(temp.resolve("store"));
    assertThatThrownBy(
            () ->
                store.put(
                    "v2",
                    f -> {
                      Files.write(f, payload(10, 2));
                      throw new IOException("disk full");
                    },
                    Map.of()))
        .hasMessageContaining("disk full");
    assertThat(store.find("v2")).isEmpty();
  }

  @Test
  void put_existingVersion_isRefused() throws Exception {
    CheckpointStore store = create(temp.resolve("store"));
    store.put("v3", f -> Files.write(f, payload(10, 3)), Map.of());
    assertThatThrownBy(() -> store.put("v3", f -> Files.write(f, payload(10, 3)), Map.of()))
        .isInstanceOf(CheckpointExistsException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void put_illegalVersionName_isRefusedAsSuch_notAsExisting() throws Exception {
    CheckpointStore store = create(temp.resolve("store"));
    assertThatThrownBy(() -> store.put("../up", f -> Files.write(f, payload(10, 4)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(CheckpointExistsException.class)
        .hasMessageContaining("must match");
  }
}
