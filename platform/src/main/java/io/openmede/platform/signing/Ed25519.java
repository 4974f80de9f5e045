package io.openmede.platform.signing;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;

/**
 * Ed25519 signatures of bytes with the JDK's crypto (no extra library). What is signed and how the
 * signature travels is the caller's: checkpoint announcements sign a fixed selection of their
 * fields ({@code io.openmede.schemas.checkpoint.CheckpointSigning}). Stateless and thread-safe.
 */
public final class Ed25519 {

  private Ed25519() {}

  /**
   * The 64-byte signature of {@code signed} by {@code key}.
   *
   * @throws IllegalStateException when the key is not an Ed25519 private key
   */
  public static byte[] sign(byte[] signed, PrivateKey key) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(signed);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with an Ed25519 key failed: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code signature} is {@code key}'s signature of {@code signed}; false when malformed.
   */
  public static boolean verifies(PublicKey key, byte[] signed, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(signed);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a malformed signature does not verify
    }
  }

  /** A short name of a public key: the first 16 hex digits of the SHA-256 of its encoding. */
  public static String keyId(PublicKey key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
