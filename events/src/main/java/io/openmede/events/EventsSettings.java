package io.openmede.events;

import io.openmede.platform.service.GroupSession;
import io.openmede.settings.Setting;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsException;
import io.openmede.settings.SettingsGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The events service's settings.
 *
 * @param applicationId Kafka Streams application id
 * @param stateDir where the episode store lives
 * @param commitInterval Kafka Streams commit interval (transaction length under exactly-once)
 * @param metricsPort port of /metrics and /health, 0 for none
 * @param webhookHosts the hosts a rule's webhook may name ({@code *}: any)
 * @param webhookAttempts tries of one delivery before it is dead-lettered
 * @param webhookTimeout the longest one try may take in all
 * @param webhookInFlight the most events being delivered at once
 * @param webhookPorts the ports a rule's webhook may name (empty: any)
 * @param sessionTimeout the consumer group session timeout of the service's Kafka Streams client
 */
public record EventsSettings(
    String applicationId,
    Path stateDir,
    Duration commitInterval,
    int metricsPort,
    List<String> webhookHosts,
    int webhookAttempts,
    Duration webhookTimeout,
    int webhookInFlight,
    List<Integer> webhookPorts,
    Duration sessionTimeout) {

  public static final Setting<String> APPLICATION_ID =
      Setting.string(
          "events.application.id",
          "openmede-events",
          "Kafka Streams application id of the events service (group and internal topics).");
  public static final Setting<String> STATE_DIR =
      Setting.string(
          "events.state.dir",
          "data/events",
          "Directory of the episode store (per rule and stream).");
  public static final Setting<Duration> COMMIT_INTERVAL =
      Setting.duration(
          "events.commit.interval",
          Duration.ofMillis(200),
          "Kafka Streams commit interval: under exactly-once, how long an event may wait to be"
              + " visible to read_committed readers.");
  public static final Setting<Duration> SESSION_TIMEOUT =
      Setting.duration(
          "events.consumer.session.timeout",
          Duration.ofSeconds(45),
          "How long the group waits for an events instance that stopped heartbeating before its"
              + " partitions move (session.timeout.ms; Kafka's default): after a crash, or after a"
              + " failed stream thread is replaced, no event of those partitions opens or closes for"
              + " this long. The broker accepts group.min.session.timeout.ms to"
              + " group.max.session.timeout.ms (6 s to 30 min by default).");
  public static final Setting<Integer> METRICS_PORT =
      Setting.integer(
          "events.metrics.port",
          0,
          0,
          65535,
          "Port of /metrics (Prometheus) and /health/live, /health/ready; 0 for none.");

  public static final Setting<List<String>> WEBHOOK_HOSTS =
      Setting.list(
          "events.webhook.allowed-hosts",
          List.of("localhost", "127.0.0.1"),
          "Hosts a rule's webhook may name (a rule comes from a topic that other programs write:"
              + " it does not get to make this service call any address); * allows any host.");
  public static final Setting<Integer> WEBHOOK_ATTEMPTS =
      Setting.integer(
          "events.webhook.attempts",
          5,
          1,
          100,
          "Tries of one webhook delivery (pausing 1 s, doubling up to 30 s) before the event goes"
              + " to dead letters.");
  public static final Setting<Duration> WEBHOOK_TIMEOUT =
      Setting.duration(
          "events.webhook.timeout",
          Duration.ofSeconds(5),
          "The longest one webhook try may take in all (connecting, sending, the answer's headers"
              + " and body): a receiver that stalls is cut off after it.");
  public static final Setting<List<String>> WEBHOOK_PORTS =
      Setting.list(
          "events.webhook.allowed-ports",
          List.of(),
          "Ports a rule's webhook may name (e.g. 443,8443); empty allows any. Whatever this says,"
              + " a webhook whose name resolves to a loopback, link-local, metadata, unspecified or"
              + " multicast address is refused unless events.webhook.allowed-hosts names that"
              + " address (or localhost).");
  public static final Setting<Integer> WEBHOOK_IN_FLIGHT =
      Setting.integer(
          "events.webhook.in-flight",
          64,
          1,
          10_000,
          "The most events being delivered to webhooks at once; slow receivers of one rule hold"
              + " back the others only once this many events wait on them.");

  /** Every events setting. */
  public static final SettingsGroup GROUP =
      SettingsGroup.of(
          "Events",
          APPLICATION_ID,
          STATE_DIR,
          COMMIT_INTERVAL,
          SESSION_TIMEOUT,
          METRICS_PORT,
          WEBHOOK_HOSTS,
          WEBHOOK_ATTEMPTS,
          WEBHOOK_TIMEOUT,
          WEBHOOK_IN_FLIGHT,
          WEBHOOK_PORTS);

  public EventsSettings {
    webhookHosts = List.copyOf(webhookHosts);
    webhookPorts = List.copyOf(webhookPorts);
    for (int port : webhookPorts) {
      if (port < 1 || port > 65535) {
        throw new SettingsException(
            WEBHOOK_PORTS.name() + " names port " + port + "; ports are 1 to 65535");
      }
    }
    if (applicationId.isBlank()) {
      throw new SettingsException(APPLICATION_ID.name() + " must not be blank");
    }
    try {
      GroupSession.streamsProperties(SESSION_TIMEOUT.name(), sessionTimeout);
    } catch (IllegalArgumentException e) {
      throw new SettingsException(e.getMessage());
    }
  }

  /** Settings with the session timeout's default. */
  public EventsSettings(
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int metricsPort,
      List<String> webhookHosts,
      int webhookAttempts,
      Duration webhookTimeout,
      int webhookInFlight,
      List<Integer> webhookPorts) {
    this(
        applicationId,
        stateDir,
        commitInterval,
        metricsPort,
        webhookHosts,
        webhookAttempts,
        webhookTimeout,
        webhookInFlight,
        webhookPorts,
        SESSION_TIMEOUT.defaultValue());
  }

  /** Settings with {@link #WEBHOOK_IN_FLIGHT}'s default. */
  public EventsSettings(
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      int metricsPort,
      List<String> webhookHosts,
      int webhookAttempts,
      Duration webhookTimeout) {
    this(
        applicationId,
        stateDir,
        commitInterval,
        metricsPort,
        webhookHosts,
        webhookAttempts,
        webhookTimeout,
        WEBHOOK_IN_FLIGHT.defaultValue(),
        List.of(),
        SESSION_TIMEOUT.defaultValue());
  }

  /** Converts resolved settings, once. */
  public static EventsSettings from(Settings s) {
    return new EventsSettings(
        s.get(APPLICATION_ID),
        Path.of(s.get(STATE_DIR)),
        s.get(COMMIT_INTERVAL),
        s.get(METRICS_PORT),
        s.get(WEBHOOK_HOSTS),
        s.get(WEBHOOK_ATTEMPTS),
        s.get(WEBHOOK_TIMEOUT),
        s.get(WEBHOOK_IN_FLIGHT),
        ports(s.get(WEBHOOK_PORTS)),
        s.get(SESSION_TIMEOUT));
  }

  private static List<Integer> ports(List<String> names) {
    List<Integer> out = new java.util.ArrayList<>();
    for (String n : names) {
      try {
        out.add(Integer.parseInt(n.trim()));
      } catch (NumberFormatException e) {
        throw new SettingsException(
            WEBHOOK_PORTS.name() + " must list port numbers (e.g. 443,8443), not " + n);
      }
    }
    return out;
  }
}
