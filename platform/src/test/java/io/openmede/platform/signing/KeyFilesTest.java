package io.openmede.platform.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

  // Written by `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout`.
  private static final String OPENSSL_PRIVATE =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEIP0xvOPDiZQTcz+KD/Szx7ldyNYOgNvclhJiAAhpkB3I\n"
          + "-----END PRIVATE KEY-----\n";
  private static final String OPENSSL_PUBLIC =
      "-----BEGIN PUBLIC KEY-----\n"
          + "MCowBQYDK2VwAyEAGlM8bHe6w5x1tH3OjQTv/DGsjkL7jL31o0WGYhNh5Eo=\n"
          + "-----END PUBLIC KEY-----\n";

  private static final byte[] MESSAGE = "a message".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void aSignatureVerifiesOnlyWithItsKeyAndItsMessage() {
    KeyPair key = KeyFiles.generate();
    KeyPair other = KeyFiles.generate();
    byte[] signature = Ed25519.sign(MESSAGE, key.getPrivate());
    assertEquals(64, signature.length);
    assertTrue(Ed25519.verifies(key.getPublic(), MESSAGE, signature));
    assertFalse(Ed25519.verifies(other.getPublic(), MESSAGE, signature));
    assertFalse(
        Ed25519.verifies(key.getPublic(), "another".getBytes(StandardCharsets.UTF_8), signature));
    assertFalse(Ed25519.verifies(key.getPublic(), MESSAGE, new byte[3]));
  }

  @Test
  void keyFilesRoundTripOwnerOnlyAndAreNeverOverwritten() throws IOException {
    KeyPair pair = KeyFiles.generate();
    Path priv = dir.resolve("keys/trainer.key");
    Path pub = KeyFiles.publicBeside(priv);
    assertEquals(dir.resolve("keys/trainer.pub"), pub);
    KeyFiles.write(pair, priv, pub);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
    KeyPair read = KeyFiles.readPair(priv);
    byte[] signature = Ed25519.sign(MESSAGE, read.getPrivate());
    assertTrue(Ed25519.verifies(pair.getPublic(), MESSAGE, signature));
    assertTrue(Ed25519.verifies(KeyFiles.readPublic(pub), MESSAGE, signature));
    assertThrows(
        FileAlreadyExistsException.class, () -> KeyFiles.write(KeyFiles.generate(), priv, pub));
    assertEquals(Ed25519.keyId(pair.getPublic()), Ed25519.keyId(KeyFiles.readPublic(pub)));
  }

  @Test
  void readsKeysThatOpensslWrote() throws IOException {
    Path priv = Files.writeString(dir.resolve("openssl.key"), OPENSSL_PRIVATE);
    Files.writeString(dir.resolve("openssl.pub"), OPENSSL_PUBLIC);
    KeyPair pair = KeyFiles.readPair(priv);
    byte[] signature = Ed25519.sign(MESSAGE, pair.getPrivate());
    assertTrue(
        Ed25519.verifies(KeyFiles.readPublic(dir.resolve("openssl.pub")), MESSAGE, signature));
  }

  @Test
  void badKeyFilesAreRefusedWithTheFileNamed() throws IOException {
    Path notPem = Files.writeString(dir.resolve("junk.pub"), "hello");
    IOException e = assertThrows(IOException.class, () -> KeyFiles.readPublic(notPem));
    assertTrue(e.getMessage().contains("junk.pub"), e.getMessage());
    Path swapped = Files.writeString(dir.resolve("swapped.pub"), OPENSSL_PRIVATE);
    assertThrows(IOException.class, () -> KeyFiles.readPublic(swapped));
    Path lonely = Files.writeString(dir.resolve("lonely.key"), OPENSSL_PRIVATE);
    IOException missing = assertThrows(IOException.class, () -> KeyFiles.readPair(lonely));
    assertTrue(missing.getMessage().contains("lonely.pub"), missing.getMessage());
    Path big = Files.write(dir.resolve("big.pub"), new byte[20_000]);
    assertThrows(IOException.class, () -> KeyFiles.readPublic(big));
    assertThrows(IOException.class, () -> KeyFiles.readPublic(dir.resolve("absent.pub")));
  }
}
