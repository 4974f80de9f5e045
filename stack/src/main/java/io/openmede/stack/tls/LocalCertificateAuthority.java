package io.openmede.stack.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of the local stack, made at first start and kept in a directory: its key
 * and certificate ({@code ca.p12}, {@code ca.pem}), a trust store holding only its certificate
 * ({@code truststore.p12}, for every client), and one key store per server ({@code NAME.p12}: key,
 * certificate signed by the authority for the loopback address, and the chain). Keys are EC P-256;
 * every store is PKCS12 with the password in {@code password} (mode 600).
 *
 * <p>Not thread-safe: one stack opens it at a time.
 */
public final class LocalCertificateAuthority {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(825);

  private final Path dir;
  private final char[] password;
  private final PrivateKey caKey;
  private final X509Certificate caCert;
  private final SecureRandom random = new SecureRandom();

  private LocalCertificateAuthority(
      Path dir, char[] password, PrivateKey caKey, X509Certificate caCert) {
    this.dir = dir;
    this.password = password;
    this.caKey = caKey;
    this.caCert = caCert;
  }

  /**
   * Opens the authority in {@code dir}, making it (key, certificate, trust store, password) when
   * the directory holds none.
   *
   * @throws IOException when the files cannot be read or written
   */
  public static LocalCertificateAuthority openOrCreate(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path ca = dir.resolve("ca.p12");
    try {
      if (Files.exists(ca)) {
        char[] password = Files.readString(dir.resolve("password")).trim().toCharArray();
        KeyStore store = load(ca, password);
        return new LocalCertificateAuthority(
            dir,
            password,
            (PrivateKey) store.getKey("ca", password),
            (X509Certificate) store.getCertificate("ca"));
      }
      char[] password = newPassword();
      writePrivate(dir.resolve("password"), new String(password));
      KeyPair keys = newKeyPair();
      X500Name name = new X500Name("CN=openmede local stack CA");
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_VALIDITY)),
              name,
              keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(b, keys.getPrivate());
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("ca", keys.getPrivate(), password, new Certificate[] {cert});
      save(store, ca, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("openmede-ca", cert);
      save(trust, dir.resolve("truststore.p12"), password);
      Files.writeString(dir.resolve("ca.pem"), pem(cert), StandardCharsets.US_ASCII);
      return new LocalCertificateAuthority(dir, password, keys.getPrivate(), cert);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make or read the local certificate authority in " + dir, e);
    }
  }

  /** The password of every store of this authority. */
  public String password() {
    return new String(password);
  }

  /** The trust store (PKCS12) holding the authority's certificate: what every client trusts. */
  public Path trustStore() {
    return dir.resolve("truststore.p12");
  }

  /** The authority's certificate in PEM, for clients outside the JVM (Node's TLS). */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /**
   * The key store of the server {@code commonName}, made when missing: a key and a certificate for
   * both server and client authentication (the nodes authenticate to each other with it), valid for
   * 127.0.0.1 and localhost.
   *
   * @throws IOException when it cannot be made or written
   */
  public Path serverKeyStore(String commonName) throws IOException {
    Path file = dir.resolve(commonName + ".p12");
    if (Files.exists(file)) {
      return file;
    }
    try {
      KeyPair keys = newKeyPair();
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              caCert,
              new BigInteger(64, random),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(SERVER_VALIDITY)),
              new X500Name("CN=" + commonName),
              keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      names.add(new GeneralName(GeneralName.dNSName, "localhost"));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      X509Certificate cert = sign(b, caKey);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(commonName, keys.getPrivate(), password, new Certificate[] {cert, caCert});
      save(store, file, password);
      return file;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make the key store of " + commonName + " in " + dir, e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
  }

  private static char[] newPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
  }

  private static KeyStore load(Path file, char[] password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  private static void save(KeyStore store, Path file, char[] password)
      throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
    restrict(file);
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    restrict(file);
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: left as the platform makes it
    }
  }

  private static String pem(X509Certificate cert) throws GeneralSecurityException {
    StringWriter w = new StringWriter();
    w.write("-----BEGIN CERTIFICATE-----\n");
    w.write(
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded()));
    w.write("\n-----END CERTIFICATE-----\n");
    return w.toString();
  }
}
