package io.openmede.bench.faults;

import io.openmede.embedded.EmbeddedSchemaRegistry;
import io.openmede.embedded.LoopbackPorts;
import java.io.IOException;

/**
 * The schema registry every client of the campaign uses: the embedded registry in the campaign's
 * own JVM, its schemas in a topic of the campaign's broker ({@value #TOPIC}, its only writer), on a
 * port chosen once, so that it can be stopped (a registry outage) and started again at the same
 * address with the same schemas. Used from the campaign's thread.
 */
final class KeptRegistry implements AutoCloseable {

  /** Where its schemas are kept. */
  static final String TOPIC = "openmede-faults-schemas";

  private final String bootstrapServers;
  private final int port;
  private EmbeddedSchemaRegistry registry;

  private KeptRegistry(String bootstrapServers, int port) {
    this.bootstrapServers = bootstrapServers;
    this.port = port;
  }

  static KeptRegistry start(String bootstrapServers) throws IOException {
    KeptRegistry r = new KeptRegistry(bootstrapServers, LoopbackPorts.free());
    r.startAgain();
    return r;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Stops answering: connections to its port are refused. */
  void stop() {
    if (registry != null) {
      registry.close();
      registry = null;
    }
  }

  /** Answers again on the same port, with the schemas kept in its topic. */
  void startAgain() {
    registry = EmbeddedSchemaRegistry.start(bootstrapServers, port, TOPIC);
  }

  @Override
  public void close() {
    stop();
  }
}
