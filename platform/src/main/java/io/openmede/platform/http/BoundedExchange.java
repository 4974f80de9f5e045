package io.openmede.platform.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request of a {@link BoundedHttpServer}: its body was read before the handler ran, and the
 * answer is kept in memory until the handler returns (the server writes it after giving the worker
 * back). Used by one thread at a time.
 */
final class BoundedExchange extends HttpExchange {
  private final String method;
  private final URI uri;
  private final String protocol;
  private final Headers requestHeaders;
  private final Headers responseHeaders = new Headers();
  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private final Map<String, Object> attributes = new HashMap<>();
  private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
  private InputStream in;
  private OutputStream out;
  private int status = -1;
  private long declaredLength;
  private byte[] raw;

  BoundedExchange(
      String method,
      URI uri,
      String protocol,
      Headers requestHeaders,
      byte[] body,
      InetSocketAddress local,
      InetSocketAddress remote) {
    this.method = method;
    this.uri = uri;
    this.protocol = protocol;
    this.requestHeaders = requestHeaders;
    this.local = local;
    this.remote = remote;
    this.in = new ByteArrayInputStream(body);
    this.out =
        new OutputStream() {
          @Override
          public void write(int b) {
            answer.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            answer.write(b, off, len);
          }
        };
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return uri;
  }

  @Override
  public String getRequestMethod() {
    return method;
  }

  /** Not bound to a context: this server has one handler. */
  @Override
  public HttpContext getHttpContext() {
    throw new UnsupportedOperationException("a BoundedHttpServer has no contexts");
  }

  /** Nothing to do: the server writes the answer and closes the connection. */
  @Override
  public void close() {}

  @Override
  public InputStream getRequestBody() {
    return in;
  }

  @Override
  public OutputStream getResponseBody() {
    return out;
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
    if (status >= 0) {
      throw new IOException("the answer's headers were already sent (status " + status + ")");
    }
    if (rCode < 100 || rCode > 999) {
      throw new IllegalArgumentException("not an HTTP status: " + rCode);
    }
    status = rCode;
    declaredLength = responseLength;
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return remote;
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return local;
  }

  @Override
  public String getProtocol() {
    return protocol;
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    if (value == null) {
      attributes.remove(name);
    } else {
      attributes.put(name, value);
    }
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {
    if (i != null) {
      in = i;
    }
    if (o != null) {
      out = o;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  boolean sent() {
    return status >= 0;
  }

  /** Replaces whatever the handler wrote with a 500 and the reason. */
  void failed(String reason) {
    answer.reset();
    responseHeaders.clear();
    byte[] b = BoundedHttpServer.response(500, reason);
    status = 500;
    raw = b;
  }

  /** Writes the answer: status line, headers, Content-Length, Connection: close, body. */
  void writeTo(OutputStream socket) throws IOException {
    if (raw != null) {
      socket.write(raw);
      return;
    }
    boolean head = method.equals("HEAD");
    boolean noBody = declaredLength < 0 || status == 204 || status == 304 || status < 200;
    long length = head ? Math.max(0, declaredLength) : noBody ? 0 : answer.size();
    StringBuilder h = new StringBuilder();
    h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
      String name = e.getKey();
      if (name.equalsIgnoreCase("Content-Length")
          || name.equalsIgnoreCase("Connection")
          || name.equalsIgnoreCase("Transfer-Encoding")) {
        continue;
      }
      for (String v : e.getValue()) {
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
          continue; // no header splitting, whatever a handler puts there
        }
        h.append(name).append(": ").append(v).append("\r\n");
      }
    }
    if (status != 204 && status != 304 && status >= 200) {
      h.append("Content-Length: ").append(length).append("\r\n");
    }
    h.append("Connection: close\r\n\r\n");
    socket.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!head && !noBody) {
      answer.writeTo(socket);
    }
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 304 -> "Not Modified";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
