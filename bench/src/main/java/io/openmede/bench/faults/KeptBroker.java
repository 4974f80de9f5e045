package io.openmede.bench.faults;

import io.openmede.bench.recognizer.BrokerProcess;
import io.openmede.embedded.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The campaign's broker: the embedded platform in a JVM of its own with its data kept in the work
 * directory, on ports chosen once, so that it can stop and start again as the same cluster (topics,
 * offsets, transactions, schemas) at the same addresses.
 */
final class KeptBroker implements AutoCloseable {

  private final Path log;
  private final Path data;
  private final int kafkaPort;
  private final int registryPort;
  private BrokerProcess process;

  private KeptBroker(Path log, Path data, int kafkaPort, int registryPort) {
    this.log = log;
    this.data = data;
    this.kafkaPort = kafkaPort;
    this.registryPort = registryPort;
  }

  /** Starts it with its data in {@code work/broker} and its log in {@code work/broker.log}. */
  static KeptBroker start(Path work, Progress progress) throws IOException, InterruptedException {
    KeptBroker broker =
        new KeptBroker(
            work.resolve("broker.log"),
            work.resolve("broker"),
            LoopbackPorts.free(),
            LoopbackPorts.free());
    progress.line(
        "starting the broker (embedded platform in a JVM of its own, data %s, log %s)",
        broker.data, broker.log);
    broker.startAgain();
    return broker;
  }

  String bootstrapServers() {
    return process.bootstrapServers();
  }

  String registryUrl() {
    return process.registryUrl();
  }

  /** Stops it (SIGTERM; it keeps its data). */
  void stop() throws InterruptedException {
    process.close();
  }

  /** Starts it on the same ports and data. */
  void startAgain() throws IOException, InterruptedException {
    process = BrokerProcess.startKeeping(log, data, kafkaPort, registryPort);
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
