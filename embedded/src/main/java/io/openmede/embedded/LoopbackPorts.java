package io.openmede.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for servers that only this machine reaches. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * A port free on the loopback interface now (the operating system's choice; another program may
   * take it before it is bound, so a caller that binds late retries on a clash).
   */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on the loopback interface", e);
    }
  }
}
