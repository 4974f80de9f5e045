package io.openmede.embedded;

import java.nio.file.Path;

/**
 * The embedded default: an {@link EmbeddedKafka} broker and an {@link EmbeddedSchemaRegistry} on
 * it, started together and closed in reverse order. Production points the services at a real Kafka
 * cluster and schema registry instead.
 */
public final class EmbeddedPlatform implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;

  private EmbeddedPlatform(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Broker and registry on free ports in a temporary directory, deleted on close (tests). */
  public static EmbeddedPlatform startTemporary() {
    return start(EmbeddedKafka.builder(), 0);
  }

  /** Broker and registry on free ports, data in {@code dataDir} (kept across restarts). */
  public static EmbeddedPlatform start(Path dataDir) {
    return start(EmbeddedKafka.builder().optDataDir(dataDir), 0);
  }

  /**
   * Starts the broker {@code kafka} describes, then a registry on {@code registryPort} (0: a free
   * port). If the registry fails to start, the broker is stopped before the failure is thrown.
   */
  public static EmbeddedPlatform start(EmbeddedKafka.Builder kafka, int registryPort) {
    EmbeddedKafka broker = kafka.start();
    try {
      return new EmbeddedPlatform(
          broker, EmbeddedSchemaRegistry.start(broker.bootstrapServers(), registryPort));
    } catch (RuntimeException | Error e) {
      broker.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedSchemaRegistry registry() {
    return registry;
  }

  /** Stops the registry, then the broker. */
  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      kafka.close();
    }
  }
}
