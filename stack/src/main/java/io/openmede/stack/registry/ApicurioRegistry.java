package io.openmede.stack.registry;

import io.openmede.stack.ChildProcess;
import io.openmede.stack.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Apicurio Registry 2.6 (Apache-2.0) in a JVM of its own, serving the Confluent-compatible API
 * under {@value #CCOMPAT_PATH} over HTTPS only, with a certificate of the stack's CA; its schemas
 * in an H2 file in the stack's directory, so that a restart keeps ids and versions.
 *
 * <p>The application is the packaged {@code io.apicurio:apicurio-registry-app:2.6.13.Final} ({@code
 * tar.gz}, classifier {@code all}), a Maven dependency of this module unpacked at build time into
 * {@code stack/target/apicurio} ({@link #home()}); nothing is fetched at run time.
 */
public final class ApicurioRegistry implements AutoCloseable {

  /** Where the Confluent-compatible API is, below the registry's root. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  /** The runner jar of the packaged application. */
  static final String RUNNER = "apicurio-registry-app-2.6.13.Final-runner.jar";

  private final int port;
  private final ChildProcess process;
  private final LocalCertificateAuthority ca;

  private ApicurioRegistry(int port, ChildProcess process, LocalCertificateAuthority ca) {
    this.port = port;
    this.process = process;
    this.ca = ca;
  }

  /**
   * The unpacked application: {@code -Dopenmede.apicurio.home}, else {@code
   * <openmede.root>/stack/target/apicurio}.
   *
   * @throws IOException naming the fix when it is not there
   */
  public static Path home() throws IOException {
    String explicit = System.getProperty("openmede.apicurio.home");
    Path home =
        explicit != null
            ? Path.of(explicit)
            : Path.of(System.getProperty("openmede.root", "."), "stack", "target", "apicurio");
    if (!Files.isRegularFile(home.resolve(RUNNER))) {
      throw new IOException(
          "Apicurio Registry is not unpacked at "
              + home.toAbsolutePath()
              + " — build the project (mvn -B -DskipTests package unpacks it into"
              + " stack/target/apicurio), or set -Dopenmede.apicurio.home to a directory holding "
              + RUNNER
              + " and its lib/");
    }
    return home;
  }

  /**
   * Prepares (does not start) the registry on {@code port} with its data and log in {@code dir}.
   */
  public static ApicurioRegistry prepare(
      Path dir, int port, LocalCertificateAuthority ca, String heap) throws IOException {
    Path home = home();
    Files.createDirectories(dir);
    Path keyStore = ca.serverKeyStore("apicurio-registry");
    List<String> cmd =
        Stream.of(
                ChildProcess.java(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=0",
                "-Dquarkus.http.ssl-port=" + port,
                "-Dquarkus.http.insecure-requests=disabled",
                "-Dquarkus.http.ssl.certificate.key-store-file=" + keyStore,
                "-Dquarkus.http.ssl.certificate.key-store-file-type=PKCS12",
                "-Dquarkus.http.ssl.certificate.key-store-password=" + ca.password(),
                "-Dquarkus.datasource.jdbc.min-size=1",
                "-Dquarkus.datasource.jdbc.initial-size=1",
                "-Dquarkus.datasource.jdbc.max-size=8",
                "-jar",
                home.resolve(RUNNER).toString())
            .toList();
    Map<String, String> env =
        Map.of(
            "REGISTRY_DATASOURCE_URL",
            "jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath(),
            "QUARKUS_LOG_LEVEL",
            "WARN");
    return new ApicurioRegistry(
        port, new ChildProcess("apicurio", cmd, env, dir.resolve("registry.log")), ca);
  }

  /** The URL services use: {@code https://127.0.0.1:PORT/apis/ccompat/v7}. */
  public String url() {
    return "https://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  public int port() {
    return port;
  }

  public ChildProcess process() {
    return process;
  }

  /** Starts the registry (again) and waits until its API answers. */
  public void start(Duration timeout) throws IOException, InterruptedException {
    process.start();
    HttpClient http = httpClient();
    process.awaitReady("answering on " + url(), () -> answers(http), timeout);
  }

  /** Whether {@code GET /subjects} answers 200 now. */
  public boolean answers() {
    try {
      return answers(httpClient());
    } catch (IOException e) {
      return false;
    }
  }

  private boolean answers(HttpClient http) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** An HTTP client trusting the stack's CA. */
  public HttpClient httpClient() throws IOException {
    try (var in = Files.newInputStream(ca.trustStore())) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(in, ca.password().toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return HttpClient.newBuilder()
          .sslContext(ssl)
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot read the stack's trust store " + ca.trustStore(), e);
    }
  }

  /** {@code kill -9}. */
  public void kill() throws InterruptedException {
    process.kill();
  }

  @Override
  public void close() throws InterruptedException {
    process.stop(Duration.ofSeconds(20));
  }
}
