package io.openmede.schemas.topic;

import io.openmede.schemas.registry.CompatibilityLevel;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import io.openmede.settings.SettingsGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How every service reaches Kafka and the schema registry: the embedded default, or an existing
 * cluster with TLS and SASL and a Confluent-API registry (Confluent, Karapace, Apicurio ccompat).
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
 * @param saslMechanism PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, ... (when SASL)
 * @param saslJaasConfig the JAAS line for SASL, if any
 * @param sslTruststore trust store file for TLS, if not the JDK's
 * @param sslTruststorePassword its password, if any
 * @param sslKeystore key store for mutual TLS, if any
 * @param sslKeystorePassword its password, if any
 * @param registryUrl base URL of the schema registry
 * @param registryBasicAuth {@code user:password} for the registry, if any
 */
public record ConnectionSettings(
    String bootstrapServers,
    String securityProtocol,
    Optional<String> saslMechanism,
    Optional<String> saslJaasConfig,
    Optional<String> sslTruststore,
    Optional<String> sslTruststorePassword,
    Optional<String> sslKeystore,
    Optional<String> sslKeystorePassword,
    String registryUrl,
    Optional<String> registryBasicAuth) {

  public static final Setting<String> BOOTSTRAP_SERVERS =
      Setting.string(
          "kafka.bootstrap.servers",
          "127.0.0.1:9092",
          "Kafka bootstrap servers (host:port, comma-separated).");
  public static final Setting<String> SECURITY_PROTOCOL =
      Setting.string(
          "kafka.security.protocol",
          "PLAINTEXT",
          "Kafka security protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.");
  public static final Setting<Optional<String>> SASL_MECHANISM =
      Setting.optionalString(
          "kafka.sasl.mechanism", "SASL mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, ...).");
  public static final Setting<Optional<String>> SASL_JAAS_CONFIG =
      Setting.optionalString(
              "kafka.sasl.jaas.config",
              "SASL JAAS configuration line, e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";")
          .secret();
  public static final Setting<Optional<String>> SSL_TRUSTSTORE =
      Setting.optionalString(
          "kafka.ssl.truststore.location", "Trust store file for TLS (PKCS12 or JKS).");
  public static final Setting<Optional<String>> SSL_TRUSTSTORE_PASSWORD =
      Setting.optionalString("kafka.ssl.truststore.password", "Password of the trust store.")
          .secret();
  public static final Setting<Optional<String>> SSL_KEYSTORE =
      Setting.optionalString(
          "kafka.ssl.keystore.location", "Key store file for mutual TLS (PKCS12 or JKS).");
  public static final Setting<Optional<String>> SSL_KEYSTORE_PASSWORD =
      Setting.optionalString("kafka.ssl.keystore.password", "Password of the key store.").secret();
  public static final Setting<String> REGISTRY_URL =
      Setting.string(
          "schema.registry.url",
          "http://127.0.0.1:8081",
          "Base URL of a schema registry speaking the Confluent REST API.");
  public static final Setting<Optional<String>> REGISTRY_BASIC_AUTH =
      Setting.optionalString(
              "schema.registry.basic.auth", "Credentials for the schema registry as user:password.")
          .secret();

  public static final Setting<CompatibilityLevel> REGISTRY_COMPATIBILITY =
      Setting.choice(
          "schema.registry.compatibility",
          CompatibilityLevel.class,
          CompatibilityLevel.BACKWARD_TRANSITIVE,
          "Compatibility level the schema subjects a service writes must be at: checked after each"
              + " subject's first registration (registries differ in their default: Apicurio's is"
              + " none).");
  public static final Setting<Boolean> REGISTRY_COMPATIBILITY_RAISE =
      Setting.bool(
          "schema.registry.compatibility.raise",
          true,
          "Set schema.registry.compatibility on a subject found at a weaker level (or none);"
              + " false only reports it in the log.");

  public static final SettingsGroup GROUP =
      SettingsGroup.of(
          "Kafka and schema registry",
          BOOTSTRAP_SERVERS,
          SECURITY_PROTOCOL,
          SASL_MECHANISM,
          SASL_JAAS_CONFIG,
          SSL_TRUSTSTORE,
          SSL_TRUSTSTORE_PASSWORD,
          SSL_KEYSTORE,
          SSL_KEYSTORE_PASSWORD,
          REGISTRY_URL,
          REGISTRY_BASIC_AUTH,
          REGISTRY_COMPATIBILITY,
          REGISTRY_COMPATIBILITY_RAISE);

  private static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  public ConnectionSettings {
    if (bootstrapServers.isBlank()) {
      throw new SettingsException(
          "kafka.bootstrap.servers is empty; set it to host:port of your Kafka brokers");
    }
    if (!PROTOCOLS.contains(securityProtocol)) {
      throw new SettingsException(
          "kafka.security.protocol '" + securityProtocol + "' is not one of " + PROTOCOLS);
    }
    if (securityProtocol.startsWith("SASL") && saslJaasConfig.isEmpty()) {
      throw new SettingsException(
          "kafka.security.protocol "
              + securityProtocol
              + " needs kafka.sasl.jaas.config (and usually kafka.sasl.mechanism)");
    }
    if (!registryUrl.startsWith("http://") && !registryUrl.startsWith("https://")) {
      throw new SettingsException(
          "schema.registry.url '" + registryUrl + "' must start with http:// or https://");
    }
  }

  public static ConnectionSettings from(Settings s) {
    return new ConnectionSettings(
        s.get(BOOTSTRAP_SERVERS),
        s.get(SECURITY_PROTOCOL),
        s.get(SASL_MECHANISM),
        s.get(SASL_JAAS_CONFIG),
        s.get(SSL_TRUSTSTORE),
        s.get(SSL_TRUSTSTORE_PASSWORD),
        s.get(SSL_KEYSTORE),
        s.get(SSL_KEYSTORE_PASSWORD),
        s.get(REGISTRY_URL),
        s.get(REGISTRY_BASIC_AUTH));
  }

  /** For the embedded default: a local broker and registry, no security. */
  public static ConnectionSettings local(String bootstrapServers, String registryUrl) {
    return new ConnectionSettings(
        bootstrapServers,
        "PLAINTEXT",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        registryUrl,
        Optional.empty());
  }

  /** Client properties common to producers, consumers, admin clients and Kafka Streams. */
  public Map<String, Object> kafkaClientConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrapServers);
    c.put("security.protocol", securityProtocol);
    saslMechanism.ifPresent(v -> c.put("sasl.mechanism", v));
    saslJaasConfig.ifPresent(v -> c.put("sasl.jaas.config", v));
    sslTruststore.ifPresent(v -> c.put("ssl.truststore.location", v));
    sslTruststorePassword.ifPresent(v -> c.put("ssl.truststore.password", v));
    sslKeystore.ifPresent(v -> c.put("ssl.keystore.location", v));
    sslKeystorePassword.ifPresent(v -> c.put("ssl.keystore.password", v));
    return c;
  }

  @Override
  public String toString() {
    return "ConnectionSettings[bootstrapServers="
        + bootstrapServers
        + ", securityProtocol="
        + securityProtocol
        + ", registryUrl="
        + registryUrl
        + "]";
  }
}
