package io.openmede.bench.faults;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Samples the used heap of the campaign's service processes after a full collection, every {@code
 * interval}, into a {@link HeapLedger}: it attaches to each process (the JDK's attach API, its
 * local management agent), asks for a collection ({@link MemoryMXBean#gc}) and reads the heap in
 * use. A process that is gone or not yet up is skipped until the next sample. Its one thread is a
 * daemon.
 */
final class HeapSampler implements AutoCloseable {

  /**
   * The JMX client's logger: it logs a stack trace when a sampled process goes away (a kill, a
   * restart), which the sampler handles; held here so that its level stays.
   */
  private static final java.util.logging.Logger JMX_CLIENT_LOG =
      java.util.logging.Logger.getLogger("javax.management.remote.misc");

  static {
    JMX_CLIENT_LOG.setLevel(java.util.logging.Level.OFF);
  }

  private final HeapLedger ledger = new HeapLedger();
  private final Map<String, Long> processes = new ConcurrentHashMap<>();
  private final Map<Long, JMXConnector> connections = new HashMap<>();
  private final AtomicBoolean sampling = new AtomicBoolean(true);
  private final Thread thread;

  HeapSampler(Duration interval) {
    thread =
        new Thread(
            () -> {
              while (sampling.get()) {
                sampleAll();
                try {
                  Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "faults-heap-sampler");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Samples {@code name} (process id {@code pid}) from now on; a new pid replaces the old one. */
  void watch(String name, long pid) {
    processes.put(name, pid);
  }

  HeapLedger ledger() {
    return ledger;
  }

  /** One sample of every watched process now (also called at the end). */
  synchronized void sampleAll() {
    for (Map.Entry<String, Long> e : processes.entrySet()) {
      try {
        ledger.sample(e.getKey(), usedAfterGc(e.getValue()));
      } catch (IOException | RuntimeException gone) {
        JMXConnector c = connections.remove(e.getValue());
        closeQuietly(c);
      }
    }
  }

  private long usedAfterGc(long pid) throws IOException {
    JMXConnector c = connections.get(pid);
    if (c == null) {
      VirtualMachine vm;
      try {
        vm = VirtualMachine.attach(Long.toString(pid));
      } catch (com.sun.tools.attach.AttachNotSupportedException e) {
        throw new IOException(e);
      }
      try {
        c = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
      } finally {
        vm.detach();
      }
      connections.put(pid, c);
    }
    MemoryMXBean memory =
        ManagementFactory.newPlatformMXBeanProxy(
            c.getMBeanServerConnection(), ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static void closeQuietly(JMXConnector c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // gone with its process
      }
    }
  }

  @Override
  public synchronized void close() {
    sampling.set(false);
    thread.interrupt();
    connections.values().forEach(HeapSampler::closeQuietly);
    connections.clear();
  }
}
