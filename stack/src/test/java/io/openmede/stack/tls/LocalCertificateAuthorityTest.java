package io.openmede.stack.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCertificateAuthorityTest {

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore s = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      s.load(in, password.toCharArray());
    }
    return s;
  }

  @Test
  void serverKeyStore_isSignedByTheCa_forTheLoopbackAddress(@TempDir Path dir) throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir);
    Path store = ca.serverKeyStore("kafka-node-1");
    KeyStore server = load(store, ca.password());
    X509Certificate cert = (X509Certificate) server.getCertificate("kafka-node-1");
    X509Certificate caCert =
        (X509Certificate) load(ca.trustStore(), ca.password()).getCertificate("openmede-ca");
    cert.verify(caCert.getPublicKey()); // throws when not signed by the CA
    cert.checkValidity();
    assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=kafka-node-1");
    List<Object> names = new java.util.ArrayList<>();
    cert.getSubjectAlternativeNames().forEach(n -> names.add(n.get(1)));
    assertThat(names).contains("127.0.0.1", "localhost");
    assertThat(cert.getExtendedKeyUsage())
        .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // server and client authentication
    assertThat(server.getCertificateChain("kafka-node-1")).hasSize(2);
    assertThat(caCert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void openOrCreate_again_keepsTheSameCaAndStores(@TempDir Path dir) throws Exception {
    LocalCertificateAuthority first = LocalCertificateAuthority.openOrCreate(dir);
    Path store = first.serverKeyStore("apicurio-registry");
    byte[] before = Files.readAllBytes(store);
    LocalCertificateAuthority second = LocalCertificateAuthority.openOrCreate(dir);
    assertThat(second.password()).isEqualTo(first.password());
    assertThat(second.serverKeyStore("apicurio-registry")).isEqualTo(store);
    assertThat(Files.readAllBytes(store)).isEqualTo(before);
    assertThat(Files.readString(second.caPem())).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void secrets_areReadableByTheOwnerOnly(@TempDir Path dir) throws Exception {
    LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir);
    for (Path p : List.of(dir.resolve("password"), dir.resolve("ca.p12"), ca.serverKeyStore("x"))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as("%s", p.getFileName())
          .isEqualTo("rw-------");
    }
  }
}
