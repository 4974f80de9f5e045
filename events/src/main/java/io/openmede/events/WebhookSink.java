package io.openmede.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.events.rules.AlertRules;
import io.openmede.events.rules.WebhookAddresses;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.Event;
import io.openmede.schemas.avro.EventState;
import io.openmede.schemas.topic.RefusedRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each episode to the webhooks of its rule, once, when it opens: an HTTP POST of the
 * {@code OPENED} event as JSON with the header {@code Idempotency-Key: <event id>} (percent-encoded
 * where a header cannot carry a character; the same on every try and after a restart, so a receiver
 * can drop repeats; the closing record is on the events topic and the live page), retried with
 * capped exponential back-off; after the last try the event goes to dead letters with the reason. A
 * webhook whose host is not in {@code events.webhook.allowed-hosts} is never contacted (refused,
 * dead-lettered): a rule on a topic does not get to make this service call arbitrary addresses.
 * Redirects are not followed.
 *
 * <p>Deliveries are asynchronous: {@link #deliverAsync} returns at once, and one try is bounded in
 * total time by {@link Policy#timeout()} (a receiver that answers its headers and then stalls is
 * cut off like one that never answers), so many slow receivers cost no thread each and cannot hold
 * others back. Whatever goes wrong with one webhook (a URL the client cannot use, a header it
 * refuses) ends in its dead letter, never in an exception. Thread-safe; {@link #close()} stops the
 * timers.
 */
final class WebhookSink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How a delivery is tried.
   *
   * @param attempts tries before the event is dead-lettered
   * @param firstPause the pause after the first failed try (doubling after each)
   * @param maxPause the longest pause
   * @param timeout the longest one try may take in all: connecting, sending, the answer's headers
   *     and body
   */
  public record Policy(int attempts, Duration firstPause, Duration maxPause, Duration timeout) {}

  /** What happened to one delivery (tests, metrics). */
  public record Outcome(String url, boolean delivered, int attempts, String detail) {}

  private final HttpClient http;
  private final WebhookAddresses addresses;
  private final Policy policy;
  private final RefusedRecords letters;
  private final ScheduledExecutorService timer;
  private final ExecutorService tries;

  /**
   * @param allowedHosts host names (or {@code *} for any) a webhook may name
   * @param letters where an event that could not be delivered is dead-lettered
   */
  public WebhookSink(List<String> allowedHosts, Policy policy, RefusedRecords letters) {
    this(new WebhookAddresses(allowedHosts, List.of()), policy, letters);
  }

  /**
   * @param addresses where a webhook may point (hosts, ports, resolved addresses)
   * @param letters where an event that could not be delivered is dead-lettered
   */
  public WebhookSink(WebhookAddresses addresses, Policy policy, RefusedRecords letters) {
    this.addresses = addresses;
    this.policy = policy;
    this.letters = letters;
    this.timer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "webhook-timer"));
    // starting a try may resolve a name: never on the timer or the consumer's thread
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> daemon(r, "webhook"));
    pool.allowCoreThreadTimeOut(true);
    this.tries = pool;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(policy.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The event as the webhooks receive it. */
  public static Map<String, Object> json(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("eventId", e.getEventId());
    m.put("state", e.getState().name());
    m.put("rule", e.getRule());
    m.put("streamId", e.getStreamId());
    m.put("label", e.getLabel());
    m.put("firstSequence", e.getFirstSequence());
    m.put("lastSequence", e.getLastSequence());
    m.put("startedAt", e.getStartedAt().toString());
    m.put("endedAt", e.getEndedAt().toString());
    m.put("windows", e.getWindows());
    m.put("peakProbability", e.getPeakProbability());
    m.put("snapshotSequence", e.getSnapshotSequence());
    m.put("closeReason", e.getCloseReason());
    m.put("emittedAt", e.getEmittedAt().toString());
    return m;
  }

  /**
   * Delivers {@code e} to every webhook of its rule (as {@code rules} has it now) and blocks until
   * each is delivered or given up (tests; the service uses {@link #deliverAsync}).
   *
   * @param source where the event was read (topic, partition, offset, raw bytes) for dead letters
   */
  public List<Outcome> deliver(
      Event e, Function<String, Optional<AlertRule>> rules, SourceRecord source) {
    return deliverAsync(e, rules, source).join();
  }

  /**
   * Starts delivering {@code e} to every webhook of its rule (as {@code rules} has it now, asked on
   * the calling thread); the future completes when each webhook was delivered or dead-lettered, and
   * never exceptionally.
   *
   * @param source where the event was read (topic, partition, offset, raw bytes) for dead letters
   * @throws RuntimeException only what {@code rules} throws
   */
  public CompletableFuture<List<Outcome>> deliverAsync(
      Event e, Function<String, Optional<AlertRule>> rules, SourceRecord source) {
    if (e.getState() != EventState.OPENED) {
      // one POST per episode: its opening (the close is on the topic and page)
      return CompletableFuture.completedFuture(List.of());
    }
    Optional<AlertRule> rule = rules.apply(e.getRule());
    if (rule.isEmpty() || rule.get().getWebhooks().isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(json(e));
    } catch (java.io.IOException | RuntimeException ex) {
      return CompletableFuture.completedFuture(
          List.of(
              given(new Outcome("", false, 0, "the event did not become JSON: " + ex), e, source)));
    }
    String key = headerValue(e.getEventId());
    List<CompletableFuture<Outcome>> each = new java.util.ArrayList<>();
    for (String url : rule.get().getWebhooks()) {
      each.add(deliverOne(url, key, body).thenApply(o -> given(o, e, source)));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
  }

  /**
   * Starts delivering the clip of a closed episode to the webhooks of {@code rule}: the closed
   * event's JSON with {@code "clip": clip}, under {@code Idempotency-Key: <event id>#clip}, tried
   * like an event; the future completes when each webhook was delivered or dead-lettered.
   */
  public CompletableFuture<List<Outcome>> deliverClipAsync(
      Event closed, Map<String, Object> clip, AlertRule rule, SourceRecord source) {
    Map<String, Object> m = json(closed);
    m.put("clip", clip);
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(m);
    } catch (java.io.IOException | RuntimeException ex) {
      return CompletableFuture.completedFuture(
          List.of(
              given(
                  new Outcome("", false, 0, "the clip did not become JSON: " + ex),
                  closed,
                  source)));
    }
    String key = headerValue(closed.getEventId() + "#clip");
    List<CompletableFuture<Outcome>> each = new java.util.ArrayList<>();
    for (String url : rule.getWebhooks()) {
      each.add(deliverOne(url, key, body).thenApply(o -> given(o, closed, source)));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
  }

  /** Dead-letters an outcome that was not delivered; returns it. */
  private Outcome given(Outcome o, Event e, SourceRecord source) {
    if (!o.delivered()) {
      String where = WebhookAddresses.redact(o.url());
      LOG.warn("event {} not delivered to {}: {}", e.getEventId(), where, o.detail());
      letters.refuse(
          source.topic(),
          source.partition(),
          source.offset(),
          source.key(),
          source.value(),
          "webhook",
          "not delivered to " + where + " after " + o.attempts() + " tries: " + o.detail());
    }
    return o;
  }

  /** Where an event was read. */
  public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}

  /**
   * {@code s} as a header value: visible ASCII and spaces as they are, every other character (and
   * {@code %}) percent-encoded as UTF-8, so that any event id makes a header the client sends.
   */
  static String headerValue(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        b.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return b.toString().strip();
  }

  private CompletableFuture<Outcome> deliverOne(String url, String idempotencyKey, byte[] body) {
    Optional<String> bad = AlertRules.webhookRefusal(url);
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(new Outcome(url, false, 0, bad.get()));
    }
    HttpRequest request;
    try {
      URI uri = URI.create(url);
      Optional<String> refused = addresses.refusal(uri);
      if (refused.isPresent()) {
        return CompletableFuture.completedFuture(new Outcome(url, false, 0, refused.get()));
      }
      request =
          HttpRequest.newBuilder(uri)
              .timeout(policy.timeout())
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", idempotencyKey)
              .header("User-Agent", "openmede-events")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
    } catch (RuntimeException ex) {
      return CompletableFuture.completedFuture(
          new Outcome(url, false, 0, "the request cannot be made: " + ex.getMessage()));
    }
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    startTry(request, url, 1, policy.firstPause().toMillis(), result);
    return result;
  }

  private void startTry(
      HttpRequest request, String url, int attempt, long pause, CompletableFuture<Outcome> result) {
    try {
      tries.execute(() -> tryOnce(request, url, attempt, pause, result));
    } catch (RuntimeException ex) {
      result.complete(new Outcome(url, false, attempt - 1, "not tried: " + ex));
    }
  }

  private void tryOnce(
      HttpRequest request, String url, int attempt, long pause, CompletableFuture<Outcome> result) {
    Optional<String> refused;
    try {
      refused = addresses.addressRefusal(request.uri());
    } catch (java.net.UnknownHostException | RuntimeException ex) {
      failedTry(
          request, url, attempt, pause, result, "the name does not resolve: " + ex.getMessage());
      return;
    }
    if (refused.isPresent()) {
      result.complete(new Outcome(url, false, attempt - 1, refused.get()));
      return;
    }
    CompletableFuture<HttpResponse<Void>> f;
    try {
      f = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException ex) {
      result.complete(new Outcome(url, false, attempt, "the request cannot be sent: " + ex));
      return;
    }
    ScheduledFuture<?> cut =
        timer.schedule(() -> f.cancel(true), policy.timeout().toMillis(), TimeUnit.MILLISECONDS);
    f.whenComplete(
        (r, ex) -> {
          cut.cancel(false);
          String detail;
          if (ex == null) {
            if (r.statusCode() / 100 == 2) {
              result.complete(new Outcome(url, true, attempt, "HTTP " + r.statusCode()));
              return;
            }
            detail = "HTTP " + r.statusCode();
            if (r.statusCode() / 100 == 4 && r.statusCode() != 408 && r.statusCode() != 429) {
              result.complete(
                  new Outcome(
                      url, false, attempt, detail + " (not retried: the receiver refused it)"));
              return;
            }
          } else {
            detail = describe(ex);
          }
          failedTry(request, url, attempt, pause, result, detail);
        });
  }

  /** After a failed try: the next one after the pause, or the outcome after the last. */
  private void failedTry(
      HttpRequest request,
      String url,
      int attempt,
      long pause,
      CompletableFuture<Outcome> result,
      String detail) {
    if (attempt >= policy.attempts()) {
      result.complete(new Outcome(url, false, attempt, detail));
      return;
    }
    try {
      timer.schedule(
          () ->
              startTry(
                  request,
                  url,
                  attempt + 1,
                  Math.min(pause * 2, policy.maxPause().toMillis()),
                  result),
          pause,
          TimeUnit.MILLISECONDS);
    } catch (RuntimeException stopped) {
      result.complete(new Outcome(url, false, attempt, detail + "; not retried: " + stopped));
    }
  }

  private String describe(Throwable ex) {
    Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    if (t instanceof CancellationException) {
      return "no whole answer within " + policy.timeout().toMillis() + " ms";
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Stops the timers and the threads that start tries; deliveries under way end unfinished. */
  @Override
  public void close() {
    timer.shutdownNow();
    tries.shutdownNow();
  }
}
