package io.openmede.platform.http;

import java.time.Duration;

/**
 * What one client may cost a port ({@link BoundedHttpServer}): how long it may take to send its
 * request head, how long a request may take in all, how many connections may be open at once, how
 * many requests are answered at once and how long one waits for its turn, and how large a request
 * head and body may be.
 *
 * @param headerTimeout from the connection's accept to the end of its request head (request line
 *     and headers); a client that sends nothing or dribbles is cut off after it
 * @param requestTimeout from the end of the request head to the last byte of the answer (body read,
 *     handling, writing); a client that does not read its answer is cut off after it
 * @param maxConnections connections open at once; at the limit, the oldest connection that has not
 *     sent its request head is closed to make room, and when every one is being answered the new
 *     one gets 503
 * @param workers requests handled at once (health answers aside: they never wait)
 * @param queueWait how long a request waits for one of the {@code workers} before it is answered
 *     503 with Retry-After
 * @param maxHeadBytes the largest request head (431 beyond)
 * @param maxBodyBytes the largest request body (413 beyond); it is read before a worker is taken
 */
public record HttpLimits(
    Duration headerTimeout,
    Duration requestTimeout,
    int maxConnections,
    int workers,
    Duration queueWait,
    int maxHeadBytes,
    int maxBodyBytes) {

  /**
   * The limits of every service's port: 5 s for a request head, 30 s for a request, 64 connections,
   * 4 workers that a request waits 2 s for, a 16 KiB head and a 64 KiB body.
   */
  public static final HttpLimits DEFAULT =
      new HttpLimits(
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          64,
          4,
          Duration.ofSeconds(2),
          16_384,
          65_536);

  public HttpLimits {
    positive("header timeout", headerTimeout);
    positive("request timeout", requestTimeout);
    positive("queue wait", queueWait);
    if (maxConnections < 2) {
      throw new IllegalArgumentException(
          "at least 2 connections are needed (one for health), not " + maxConnections);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("at least 1 worker is needed, not " + workers);
    }
    if (maxHeadBytes < 1024 || maxBodyBytes < 0) {
      throw new IllegalArgumentException(
          "a request head of at least 1024 bytes and a body of at least 0 bytes are needed, not "
              + maxHeadBytes
              + " and "
              + maxBodyBytes);
    }
  }

  /** These limits with other timeouts (tests use short ones). */
  public HttpLimits withTimeouts(Duration header, Duration request) {
    return new HttpLimits(
        header, request, maxConnections, workers, queueWait, maxHeadBytes, maxBodyBytes);
  }

  /** These limits with another connection count and worker count. */
  public HttpLimits withConnections(int connections, int handlers) {
    return new HttpLimits(
        headerTimeout,
        requestTimeout,
        connections,
        handlers,
        queueWait,
        maxHeadBytes,
        maxBodyBytes);
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("the " + what + " must be positive, not " + d);
    }
  }
}
