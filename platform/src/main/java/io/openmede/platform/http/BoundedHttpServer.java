package io.openmede.platform.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 port that no client can stop by being slow or many, for the services' health and
 * metrics ports and the live page. The JDK's {@code HttpServer} reads request heads on its few
 * worker threads with no time limit, so two idle connections stop it; this one:
 *
 * <ul>
 *   <li>gives each connection a thread of its own while it sends its request head, and cuts it off
 *       after {@link HttpLimits#headerTimeout()};
 *   <li>keeps at most {@link HttpLimits#maxConnections()} connections: at the limit the oldest one
 *       that has not sent its head yet is closed for the new one (a slow client cannot hold the
 *       port), and when all are being answered the new one gets 503;
 *   <li>reads the request body (bounded) before the request takes one of {@link
 *       HttpLimits#workers()}, waits at most {@link HttpLimits#queueWait()} for one (503 with
 *       Retry-After beyond), and writes the answer after giving the worker back, so that a client
 *       that does not read its answer holds no worker;
 *   <li>answers the paths {@code light} accepts (health) without a worker: they answer while the
 *       workers are busy;
 *   <li>cuts a request off {@link HttpLimits#requestTimeout()} after its head, however far it got;
 *   <li>answers one request per connection ({@code Connection: close}).
 * </ul>
 *
 * <p>Handlers are the JDK's {@link HttpHandler}s; the exchange they get buffers the answer. A
 * handler that throws is logged with its path (never its query, which may carry a token) and
 * answered 500.
 *
 * <p>Lifecycle: {@link #start} binds (port 0 picks a free one) and serves from daemon threads;
 * {@link #close()} stops and closes every connection. Thread-safe.
 */
public final class BoundedHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BoundedHttpServer.class);
  private static final int MAX_HEADERS = 100;

  private final String name;
  private final HttpLimits limits;
  private final Predicate<String> light;
  private final HttpHandler handler;
  private final ServerSocket socket;
  private final Semaphore workers;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;
  private final Thread acceptor;
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private volatile boolean closed;

  /** What the port has refused so far. */
  public record Stats(long evicted, long refusedBusy, long timedOut, int open) {}

  private static final class Connection {
    final Socket socket;
    final long accepted = System.nanoTime();
    volatile long deadline;
    volatile boolean headRead;

    Connection(Socket socket, long deadline) {
      this.socket = socket;
      this.deadline = deadline;
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private BoundedHttpServer(
      String name,
      HttpLimits limits,
      Predicate<String> light,
      HttpHandler handler,
      ServerSocket socket) {
    this.name = name;
    this.limits = limits;
    this.light = light;
    this.handler = handler;
    this.socket = socket;
    this.workers = new Semaphore(limits.workers(), true);
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-http-watchdog"));
    this.acceptor = daemon(this::acceptLoop, name + "-http-accept");
  }

  /**
   * Serves {@code handler} on {@code host:port}.
   *
   * @param name the service's name (thread names, log lines, messages)
   * @param light which request paths are answered without waiting for a worker (cheap ones: health)
   * @throws IOException when the port cannot be bound
   */
  public static BoundedHttpServer start(
      String name,
      String host,
      int port,
      HttpLimits limits,
      Predicate<String> light,
      HttpHandler handler)
      throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port), 64);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    BoundedHttpServer server = new BoundedHttpServer(name, limits, light, handler, s);
    long period = Math.max(10, Math.min(100, limits.headerTimeout().toMillis() / 5));
    server.watchdog.scheduleAtFixedRate(
        server::closeOverdue, period, period, TimeUnit.MILLISECONDS);
    server.acceptor.start();
    return server;
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** The bound port. */
  public int port() {
    return socket.getLocalPort();
  }

  /** Counts of what the port refused or cut off so far. */
  public Stats stats() {
    return new Stats(evicted.get(), refused.get(), timedOut.get(), open.size());
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("{}: accepting a connection failed: {}", name, e.toString());
        }
        continue;
      }
      Connection c;
      synchronized (open) {
        if (open.size() >= limits.maxConnections()) {
          Optional<Connection> idle =
              open.stream()
                  .filter(o -> !o.headRead)
                  .min(Comparator.comparingLong((Connection o) -> o.accepted));
          if (idle.isEmpty()) {
            refused.incrementAndGet();
            refuseAtOnce(s);
            continue;
          }
          evicted.incrementAndGet();
          open.remove(idle.get());
          idle.get().close();
        }
        c = new Connection(s, System.nanoTime() + limits.headerTimeout().toNanos());
        open.add(c);
      }
      try {
        daemon(() -> serve(c), name + "-http").start();
      } catch (OutOfMemoryError | RuntimeException e) {
        open.remove(c);
        c.close();
        LOG.warn("{}: no thread for a connection: {}", name, e.toString());
      }
    }
  }

  private void refuseAtOnce(Socket s) {
    try (s) {
      s.setSoTimeout(100);
      s.getOutputStream()
          .write(
              response(
                  503,
                  "all "
                      + limits.maxConnections()
                      + " connections of "
                      + name
                      + " are being answered; retry"));
    } catch (IOException ignored) {
      // the client went away
    }
  }

  private void closeOverdue() {
    long now = System.nanoTime();
    for (Connection c : open) {
      if (now - c.deadline > 0) {
        if (open.remove(c)) {
          timedOut.incrementAndGet();
        }
        c.close();
      }
    }
  }

  private void serve(Connection c) {
    Socket s = c.socket;
    // not try-with-resources: that would close the socket before the catch below counts a
    // timeout, and a client (or a test) that sees the close could read the count before it moves
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, limits.headerTimeout().toMillis()));
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      Head head;
      try {
        head = readHead(in);
      } catch (Refused r) {
        out.write(response(r.status, r.getMessage()));
        return;
      }
      if (head == null) {
        return;
      }
      c.headRead = true;
      c.deadline = System.nanoTime() + limits.requestTimeout().toNanos();
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, limits.requestTimeout().toMillis()));
      byte[] body;
      try {
        body = readBody(head, in, out);
      } catch (Refused r) {
        out.write(response(r.status, r.getMessage()));
        lingerThenClose(s, in);
        return;
      }
      BoundedExchange x =
          new BoundedExchange(
              head.method,
              head.uri,
              head.protocol,
              head.headers,
              body,
              (InetSocketAddress) s.getLocalSocketAddress(),
              (InetSocketAddress) s.getRemoteSocketAddress());
      if (light.test(head.uri.getPath())) {
        handle(x);
      } else {
        boolean got;
        try {
          got = workers.tryAcquire(limits.queueWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (!got) {
          refused.incrementAndGet();
          out.write(
              response(
                  503,
                  name
                      + " is busy: its "
                      + limits.workers()
                      + " workers did not free up within "
                      + limits.queueWait().toMillis()
                      + " ms; retry"));
          return;
        }
        try {
          handle(x);
        } finally {
          workers.release();
        }
      }
      x.writeTo(out);
      out.flush();
    } catch (java.net.SocketTimeoutException e) {
      if (open.remove(c)) {
        timedOut.incrementAndGet();
      }
    } catch (IOException e) {
      LOG.debug("{}: connection ended: {}", name, e.toString());
    } finally {
      open.remove(c);
      try {
        s.close();
      } catch (IOException ignored) {
        // closed anyway
      }
    }
  }

  /**
   * After refusing a body: stops writing and reads (bounded in bytes and time) what the client is
   * still sending, so that it reads the refusal instead of a reset.
   */
  private static void lingerThenClose(Socket s, InputStream in) {
    try {
      s.shutdownOutput();
      s.setSoTimeout(1000);
      long left = 1 << 20;
      byte[] skip = new byte[8192];
      int n;
      while (left > 0 && (n = in.read(skip)) >= 0) {
        left -= n;
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void handle(BoundedExchange x) {
    try {
      handler.handle(x);
    } catch (Exception | StackOverflowError e) {
      // the path only: a query may carry a token
      LOG.warn(
          "{}: request {} {} failed", name, x.getRequestMethod(), x.getRequestURI().getPath(), e);
      x.failed("the request failed: " + e);
      return;
    }
    if (!x.sent()) {
      x.failed("the handler of " + x.getRequestURI().getPath() + " gave no answer");
    }
  }

  /** A request refused before its handler: the status and the reason. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }
  }

  private record Head(String method, URI uri, String protocol, Headers headers) {}

  /** The request head, or null when the client closed before sending one. */
  private Head readHead(InputStream in) throws IOException, Refused {
    byte[] buf = new byte[limits.maxHeadBytes()];
    int n = 0;
    int b;
    // skip empty lines before the request line (RFC 9112 2.2)
    while ((b = in.read()) == '\r' || b == '\n') {
      // nothing
    }
    if (b < 0) {
      return null;
    }
    buf[n++] = (byte) b;
    while (true) {
      b = in.read();
      if (b < 0) {
        throw new IOException("the client closed in its request head");
      }
      if (n == buf.length) {
        throw new Refused(431, "the request head is over " + limits.maxHeadBytes() + " bytes");
      }
      buf[n++] = (byte) b;
      if (b == '\n'
          && ((n >= 2 && buf[n - 2] == '\n')
              || (n >= 3 && buf[n - 2] == '\r' && buf[n - 3] == '\n'))) {
        break;
      }
    }
    String[] lines = new String(buf, 0, n, StandardCharsets.ISO_8859_1).split("\r?\n");
    String[] request = lines[0].split(" ", -1);
    if (request.length != 3
        || !request[0].matches("[A-Z]{1,16}")
        || !request[2].matches("HTTP/1\\.[01]")) {
      throw new Refused(400, "expected a request line such as GET /health/live HTTP/1.1");
    }
    URI uri;
    try {
      uri = new URI(request[1]);
    } catch (URISyntaxException e) {
      throw new Refused(
          400,
          "the request target is not a valid URI at index "
              + e.getIndex()
              + " (a % must start an escape such as %25)");
    }
    if (uri.getRawPath() == null || !uri.getRawPath().startsWith("/")) {
      throw new Refused(400, "the request target must be a path starting with /");
    }
    Headers headers = new Headers();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new Refused(400, "a request header is not Name: value");
      }
      if (headers.size() >= MAX_HEADERS) {
        throw new Refused(431, "more than " + MAX_HEADERS + " request headers");
      }
      headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    return new Head(request[0], uri, request[2], headers);
  }

  private byte[] readBody(Head head, InputStream in, OutputStream out) throws IOException, Refused {
    String te = head.headers.getFirst("Transfer-Encoding");
    if (te != null && !te.equalsIgnoreCase("identity")) {
      throw new Refused(411, "send the body with a Content-Length, not " + te);
    }
    String cl = head.headers.getFirst("Content-Length");
    if (cl == null) {
      return new byte[0];
    }
    long length;
    try {
      length = Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      throw new Refused(400, "Content-Length is not a number");
    }
    if (length < 0) {
      throw new Refused(400, "Content-Length is negative");
    }
    if (length > limits.maxBodyBytes()) {
      throw new Refused(413, "the body is over " + limits.maxBodyBytes() + " bytes");
    }
    String expect = head.headers.getFirst("Expect");
    if (expect != null && expect.equalsIgnoreCase("100-continue")) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new IOException("the client closed in its request body");
    }
    return body;
  }

  /** A whole JSON error answer with Connection: close. */
  static byte[] response(int status, String reason) {
    String json = "{\"error\":\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + BoundedExchange.reason(status)
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length
            + (status == 503 ? "\r\nRetry-After: 1" : "")
            + "\r\nConnection: close\r\n\r\n";
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(body);
    return b.toByteArray();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops accepting, closes every connection; idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    watchdog.shutdownNow();
    for (Connection c : open) {
      c.close();
    }
    open.clear();
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
