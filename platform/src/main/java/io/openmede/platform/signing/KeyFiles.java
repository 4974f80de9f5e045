package io.openmede.platform.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 key files in the usual PEM forms: the private key as PKCS#8 ({@code BEGIN PRIVATE KEY},
 * written readable by its owner only), the public key as X.509 ({@code BEGIN PUBLIC KEY}); both are
 * what {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} write, so either
 * tool can make the keys.
 */
public final class KeyFiles {

  private static final long MAX_KEY_FILE_BYTES = 16 * 1024;

  private KeyFiles() {}

  /** A new Ed25519 key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
    }
  }

  /**
   * Writes {@code pair} to {@code privateFile} (owner-only where the file system allows) and {@code
   * publicFile}; refuses to replace existing files.
   *
   * @throws FileAlreadyExistsException when either file exists
   */
  public static void write(KeyPair pair, Path privateFile, Path publicFile) throws IOException {
    for (Path p : new Path[] {privateFile, publicFile}) {
      if (Files.exists(p)) {
        throw new FileAlreadyExistsException(
            p.toString(), null, "a key file is there already; remove it or choose another name");
      }
    }
    Path dir = privateFile.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    try {
      Files.createFile(
          privateFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(privateFile);
    }
    Files.writeString(
        privateFile,
        pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        StandardCharsets.US_ASCII,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.writeString(
        publicFile,
        pem("PUBLIC KEY", pair.getPublic().getEncoded()),
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE_NEW);
  }

  /** Reads a PKCS#8 PEM Ed25519 private key. */
  public static PrivateKey readPrivate(Path file) throws IOException {
    byte[] der = der(file, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException(file + " is not an Ed25519 private key (" + e.getMessage() + ")", e);
    }
  }

  /** Reads an X.509 PEM Ed25519 public key. */
  public static PublicKey readPublic(Path file) throws IOException {
    byte[] der = der(file, "PUBLIC KEY");
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException(file + " is not an Ed25519 public key (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads the key pair of a private key file: the JDK cannot derive an Ed25519 public key from the
   * private one, so it is read from the {@code .pub} file beside it ({@code NAME.key} → {@code
   * NAME.pub}), as {@code openmede keys generate} writes them.
   */
  public static KeyPair readPair(Path privateFile) throws IOException {
    PrivateKey priv = readPrivate(privateFile);
    Path pub = publicBeside(privateFile);
    if (!Files.exists(pub)) {
      throw new IOException(
          "the public key "
              + pub
              + " of "
              + privateFile
              + " is missing; put it beside the private key (openmede keys generate writes both)");
    }
    return new KeyPair(readPublic(pub), priv);
  }

  /** The public key file beside a private key file ({@code NAME.key} → {@code NAME.pub}). */
  public static Path publicBeside(Path privateFile) {
    String name = privateFile.getFileName().toString();
    String stem = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
    return privateFile.resolveSibling(stem + ".pub");
  }

  private static byte[] der(Path file, String type) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is not a file");
    }
    if (Files.size(file) > MAX_KEY_FILE_BYTES) {
      throw new IOException(file + " is too large to be a key file");
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException(file + " holds no PEM block '" + begin + "'");
    }
    String body = text.substring(b + begin.length(), e).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException ex) {
      throw new IOException(file + ": the PEM block is not base64", ex);
    }
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
