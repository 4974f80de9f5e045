package io.openmede.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.events.rules.AlertRules;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each episode to the webhooks of its rule, once, when it opens: an HTTP POST of the
 * {@code OPENED} event as JSON with the header {@code Idempotency-Key: <event id>} (the same on
 * every try and after a restart, so a receiver can drop repeats; the closing record is on the
 * events topic and the live page), retried with capped exponential back-off; after the last try the
 * event goes to dead letters with the reason. A webhook whose host is not in {@code
 * events.webhook.allowed-hosts} is never contacted (refused, dead-lettered): a rule on a topic does
 * not get to make this service call arbitrary addresses. Redirects are not followed.
 */
final class WebhookSink {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSink.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a delivery is tried. */
  public record Policy(int attempts, Duration firstPause, Duration maxPause, Duration timeout) {}

  /** What happened to one delivery (tests, metrics). */
  public record Outcome(String url, boolean delivered, int attempts, String detail) {}

  private final HttpClient http;
  private final List<String> allowedHosts;
  private final Policy policy;
  private final RefusedRecords letters;

  /**
   * @param allowedHosts host names (or {@code *} for any) a webhook may name
   * @param letters where an event that could not be delivered is dead-lettered
   */
  public WebhookSink(List<String> allowedHosts, Policy policy, RefusedRecords letters) {
    this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    this.policy = policy;
    this.letters = letters;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(policy.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
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
   * Delivers {@code e} to every webhook of its rule (as {@code rules} has it now); blocks until
   * each is delivered or given up.
   *
   * @param source where the event was read (topic, partition, offset, raw bytes) for dead letters
   */
  public List<Outcome> deliver(
      Event e, Function<String, Optional<AlertRule>> rules, SourceRecord source) {
    if (e.getState() != EventState.OPENED) {
      return List.of(); // one POST per episode: its opening (the close is on the topic and page)
    }
    Optional<AlertRule> rule = rules.apply(e.getRule());
    if (rule.isEmpty() || rule.get().getWebhooks().isEmpty()) {
      return List.of();
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(json(e));
    } catch (java.io.IOException ex) {
      throw new IllegalStateException("an event did not become JSON", ex);
    }
    String key = e.getEventId();
    List<Outcome> out = new java.util.ArrayList<>();
    for (String url : rule.get().getWebhooks()) {
      Outcome o = deliverOne(url, key, body);
      out.add(o);
      if (!o.delivered()) {
        LOG.warn("event {} not delivered to {}: {}", key, url, o.detail());
        letters.refuse(
            source.topic(),
            source.partition(),
            source.offset(),
            source.key(),
            source.value(),
            "webhook",
            "not delivered to " + url + " after " + o.attempts() + " tries: " + o.detail());
      }
    }
    return out;
  }

  /** Where an event was read. */
  public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}

  private Outcome deliverOne(String url, String idempotencyKey, byte[] body) {
    Optional<String> bad = AlertRules.webhookRefusal(url);
    if (bad.isPresent()) {
      return new Outcome(url, false, 0, bad.get());
    }
    URI uri = URI.create(url);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (!allowedHosts.contains("*") && !allowedHosts.contains(host)) {
      return new Outcome(
          url,
          false,
          0,
          "the host "
              + host
              + " is not in events.webhook.allowed-hosts "
              + allowedHosts
              + "; add it there to allow this webhook");
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(policy.timeout())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .header("User-Agent", "openmede-events")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    long pause = policy.firstPause().toMillis();
    String detail = "";
    for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
      try {
        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) {
          return new Outcome(url, true, attempt, "HTTP " + r.statusCode());
        }
        detail = "HTTP " + r.statusCode();
        if (r.statusCode() / 100 == 4 && r.statusCode() != 408 && r.statusCode() != 429) {
          return new Outcome(
              url, false, attempt, detail + " (not retried: the receiver refused it)");
        }
      } catch (java.io.IOException ex) {
        detail = ex.toString();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return new Outcome(url, false, attempt, "interrupted");
      }
      if (attempt < policy.attempts()) {
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return new Outcome(url, false, attempt, "interrupted");
        }
        pause = Math.min(pause * 2, policy.maxPause().toMillis());
      }
    }
    return new Outcome(url, false, policy.attempts(), detail);
  }
}
