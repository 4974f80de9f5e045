package io.openmede.events.rules;

import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.topic.KeyedRecords;
import io.openmede.schemas.values.Identifiers;
import io.openmede.schemas.values.Labels;
import io.openmede.schemas.values.Printable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an alert rule must be, judged in one place: by {@code openmede alert} and the live page
 * before they publish, and by the events service on each record it reads from {@code
 * openmede.rules} (which other programs write too). Its name and stream patterns follow {@link
 * Identifiers}, its label {@link Labels}.
 */
public final class AlertRules {

  /** The most stream ids or globs one rule may watch. */
  public static final int MAX_STREAMS = 64;

  /** The most consecutive windows a rule may ask for. */
  public static final int MAX_WINDOWS = 10_000;

  /** The longest cooldown. */
  public static final Duration MAX_COOLDOWN = Duration.ofDays(7);

  /** The most webhooks of one rule. */
  public static final int MAX_WEBHOOKS = 8;

  /** The longest webhook URL. */
  public static final int MAX_URL_LENGTH = 2000;

  /**
   * How a record of the rules topic is judged from its bytes: keyed by rule name, refused as {@code
   * rule} when it breaks {@link #refusal}.
   */
  public static final KeyedRecords<AlertRule> RECORDS =
      new KeyedRecords<>("alert rule", "rule name", "rule", AlertRule.class, AlertRules::refusal);

  private AlertRules() {}

  /**
   * Why a rule read from the rules topic (or about to be published) is refused, or empty when it is
   * a good rule.
   *
   * @param key the record key (the rule name)
   * @param rule the decoded value (not null: a null value is a tombstone)
   */
  public static Optional<String> refusal(String key, AlertRule rule) {
    if (key == null) {
      return Optional.of("the record has no key; the key must be the rule name");
    }
    Optional<String> name = Identifiers.ruleNameRefusal(key);
    if (name.isPresent()) {
      return name;
    }
    if (!key.equals(rule.getName())) {
      return Optional.of(
          "the rule's name "
              + Printable.quote(String.valueOf(rule.getName()))
              + " is not its key "
              + Printable.quote(key));
    }
    String label = rule.getLabel();
    if (label == null || label.isBlank()) {
      return Optional.of("the rule has no label");
    }
    try {
      if (!Labels.clean(label).equals(label)) {
        return Optional.of("the label " + Printable.quote(label) + " is not in clean form");
      }
    } catch (IllegalArgumentException e) {
      return Optional.of("the label is refused: " + e.getMessage());
    }
    List<String> streams = rule.getStreams();
    if (streams == null) {
      return Optional.of("the rule has no stream list");
    }
    if (streams.size() > MAX_STREAMS) {
      return Optional.of(
          "the rule watches " + streams.size() + " stream patterns; at most " + MAX_STREAMS);
    }
    for (String s : streams) {
      Optional<String> pattern = Identifiers.streamPatternRefusal(s);
      if (pattern.isPresent()) {
        return pattern;
      }
    }
    double p = rule.getMinProbability();
    if (!(p > 0 && p <= 1)) {
      return Optional.of("min probability " + p + " must be in (0, 1]");
    }
    Double score = rule.getMinScore();
    if (score != null && !(score > 0 && score <= 1)) {
      return Optional.of("min score " + score + " must be in (0, 1]");
    }
    if (rule.getMinWindows() < 1 || rule.getMinWindows() > MAX_WINDOWS) {
      return Optional.of(
          "min windows " + rule.getMinWindows() + " must be between 1 and " + MAX_WINDOWS);
    }
    if (rule.getCooldownMs() < 0 || rule.getCooldownMs() > MAX_COOLDOWN.toMillis()) {
      return Optional.of(
          "cooldown " + rule.getCooldownMs() + " ms must be between 0 and " + MAX_COOLDOWN);
    }
    List<String> hooks = rule.getWebhooks();
    if (hooks == null) {
      return Optional.of("the rule has no webhook list");
    }
    if (hooks.size() > MAX_WEBHOOKS) {
      return Optional.of("the rule has " + hooks.size() + " webhooks; at most " + MAX_WEBHOOKS);
    }
    for (String h : hooks) {
      Optional<String> bad = webhookRefusal(h);
      if (bad.isPresent()) {
        return bad;
      }
    }
    if (rule.getClipWebhook() && hooks.isEmpty()) {
      return Optional.of(
          "the clip webhook posts to the rule's webhooks, and the rule has none: give a webhook"
              + " URL (--webhook) or leave the clip webhook off");
    }
    return Optional.empty();
  }

  /**
   * Why {@code url} cannot be a webhook, or empty: an absolute http or https URL with a host, no
   * user information, and a port in 1..65535 when it names one.
   */
  public static Optional<String> webhookRefusal(String url) {
    if (url == null || url.isEmpty() || url.length() > MAX_URL_LENGTH) {
      return Optional.of("a webhook URL must be 1 to " + MAX_URL_LENGTH + " characters");
    }
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return Optional.of("the webhook " + Printable.quote(url) + " is not http or https");
      }
      if (u.getHost() == null || u.getHost().isEmpty()) {
        return Optional.of("the webhook " + Printable.quote(url) + " names no host");
      }
      if (u.getUserInfo() != null) {
        return Optional.of("the webhook URL must not carry a user name or password");
      }
      // java.net.URI takes any digits as a port; the HTTP client then fails each try
      if (u.getPort() == 0 || u.getPort() > 65535) {
        return Optional.of(
            "the webhook "
                + Printable.quote(url)
                + " names port "
                + u.getPort()
                + "; a port must be in 1..65535 (or left out)");
      }
    } catch (java.net.URISyntaxException e) {
      return Optional.of("the webhook " + Printable.quote(url) + " is not a URL");
    }
    return Optional.empty();
  }

  /**
   * Whether {@code streamId} is watched by patterns: an empty list watches every stream; {@code *}
   * matches any run of characters and {@code ?} one character; everything else is literal.
   */
  public static boolean watches(List<String> patterns, String streamId) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (String p : patterns) {
      if (glob(p, streamId)) {
        return true;
      }
    }
    return false;
  }

  static boolean glob(String pattern, String s) {
    // iterative wildcard match with backtracking on the last '*': linear in practice, no regex
    int p = 0;
    int i = 0;
    int star = -1;
    int mark = 0;
    while (i < s.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == s.charAt(i))) {
        p++;
        i++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = i;
      } else if (star >= 0) {
        p = star + 1;
        i = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
