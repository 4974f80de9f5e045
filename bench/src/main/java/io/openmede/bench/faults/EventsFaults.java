package io.openmede.bench.faults;

import io.openmede.bench.faults.EpisodeAccounting.EventSeen;
import io.openmede.schemas.avro.AlertRule;
import io.openmede.schemas.avro.FrameBatch;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Topic;
import io.openmede.world.Action;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The events service's part of the campaign: the rules it runs (one per label of {@link #LABELS},
 * on every camera), bad records on the rules and recognitions topics, and the check that every rule
 * that opened episodes before opens them again.
 */
final class EventsFaults {

  /** The service's name in the campaign. */
  static final String SERVICE = "events";

  /** Labels the campaign's rules watch, one rule each. */
  static final List<String> LABELS = Action.labels().subList(0, 4);

  /** How the campaign's rules are named: {@code faults-rule-<n>}. */
  static final String RULE_PREFIX = "faults-rule-";

  /**
   * The model version of the recognitions the campaign forges: its topic readers leave them out of
   * the windows' accounting.
   */
  static final String FORGED_MODEL = "faults-forged";

  private EventsFaults() {}

  /** The campaign's rules: each label on every camera, one window, no cooldown. */
  static List<AlertRule> rules() {
    List<AlertRule> rules = new ArrayList<>();
    for (int k = 0; k < LABELS.size(); k++) {
      rules.add(rule(RULE_PREFIX + k, LABELS.get(k), FrameSources.STREAM_PREFIX + "*"));
    }
    return rules;
  }

  static AlertRule rule(String name, String label, String streams) {
    return AlertRule.newBuilder()
        .setName(name)
        .setLabel(label)
        .setStreams(List.of(streams))
        .setMinProbability(0.05)
        .setMinWindows(1)
        .setCooldownMs(0)
        .setWebhooks(List.of())
        .setUpdatedAt(Instant.now())
        .build();
  }

  /** Bad rules: a glob of stars, a huge name, another topic's schema, a port out of range. */
  static FaultGroup badRules(FaultRig rig) {
    Topic<String, AlertRule> rules = rig.cluster.topics().rules();
    RecordSender send = rig.sender;
    String counter = "openmede_events_rules_refused_total";
    String huge = "r".repeat(1 << 20);
    return FaultGroup.badInput(
        rules.name(),
        "rule",
        List.of(
            refusal(
                rig,
                "rules: a glob of 5,000 stars",
                rules.name(),
                counter,
                () ->
                    send.record(
                        rules,
                        "faults-bad-glob",
                        rule("faults-bad-glob", LABELS.get(0), "*".repeat(5000) + "x"))),
            refusal(
                rig,
                "rules: a 1 MiB rule name",
                rules.name(),
                counter,
                () -> send.record(rules, huge, rule(huge, LABELS.get(0), "*"))),
            refusal(
                rig,
                "rules: a frame batch (another topic's schema)",
                rules.name(),
                counter,
                () ->
                    send.raw(
                        rules.name(),
                        RecordSender.bytes("faults-wrong-schema"),
                        send.bytesOf(rig.cluster.topics().frames(), anyBatch()))),
            refusal(
                rig,
                "rules: a webhook on port 99999",
                rules.name(),
                counter,
                () -> {
                  AlertRule r = rule("faults-bad-port", LABELS.get(0), "*");
                  r.setWebhooks(List.of("http://127.0.0.1:99999/hook"));
                  return send.record(rules, "faults-bad-port", r);
                })),
        EventsFaults::everyRuleOpensAgain);
  }

  /** Bad recognitions: far ahead in sequence or time on a camera, a too long stream id, garbage. */
  static FaultGroup badRecognitions(FaultRig rig) {
    Topic<String, Recognition> recognitions = rig.cluster.topics().recognitions();
    RecordSender send = rig.sender;
    String cam = FrameSources.STREAM_PREFIX + "0";
    String counter = "openmede_events_dead_letters_total";
    String longId = "s".repeat(100_000);
    return FaultGroup.badInput(
        recognitions.name(),
        "recognition",
        List.of(
            refusal(
                rig,
                "recognitions: a sequence near the top of the range on " + cam,
                recognitions.name(),
                counter,
                () -> send.record(recognitions, cam, recognition(cam, Long.MAX_VALUE - 100, 0))),
            refusal(
                rig,
                "recognitions: a window in year 9999 on " + cam,
                recognitions.name(),
                counter,
                () ->
                    send.record(
                        recognitions,
                        cam,
                        recognition(cam, 0, Instant.parse("9999-01-01T00:00:00Z").toEpochMilli()))),
            refusal(
                rig,
                "recognitions: a 100,000-character stream id",
                recognitions.name(),
                counter,
                () -> send.record(recognitions, longId, recognition(longId, 0, 0))),
            refusal(
                rig,
                "recognitions: garbage bytes",
                recognitions.name(),
                counter,
                () ->
                    send.raw(
                        recognitions.name(), RecordSender.bytes(cam), RecordSender.notAvro()))),
        EventsFaults::everyRuleOpensAgain);
  }

  private static ServiceRefusal refusal(
      FaultRig rig, String name, String topic, String counter, RecordSender.Placed send) {
    return new ServiceRefusal(name, SERVICE, topic, counter, send);
  }

  /** A recognition of {@link #LABELS}' first label, certain, at {@code sequence} (and time). */
  static Recognition recognition(String stream, long sequence, long timeMs) {
    long t = timeMs > 0 ? timeMs : System.currentTimeMillis();
    return Recognition.newBuilder()
        .setStreamId(stream)
        .setWindowStart(Instant.ofEpochMilli(t))
        .setWindowEnd(Instant.ofEpochMilli(t + 1000))
        .setFirstSequence(sequence)
        .setLastSequence(sequence + 7)
        .setTop(List.of(new LabelScore(LABELS.get(0), 0.99, 0.9, null)))
        .setModelVersion(FORGED_MODEL)
        .setVocabularyVersion(0L)
        .setProcessingLatencyMs(0.0)
        .setRecognizedAt(Instant.now())
        .build();
  }

  private static FrameBatch anyBatch() {
    return FrameBatch.newBuilder()
        .setStreamId("faults-wrong-schema")
        .setBatchSequence(0)
        .setWidth(1)
        .setHeight(1)
        .setEncoding(io.openmede.schemas.avro.FrameEncoding.RGB)
        .setFrames(List.of())
        .build();
  }

  /**
   * Every campaign rule that opened an episode before {@code afterNanos} opens one again after it
   * within the bound; empty when so, else which did not.
   */
  static Optional<String> everyRuleOpensAgain(FaultRig rig, long afterNanos)
      throws InterruptedException {
    Set<String> before = new TreeSet<>();
    for (EventSeen e : rig.ledger.events()) {
      if (e.opened() && e.readNanos() < afterNanos && e.rule().startsWith(RULE_PREFIX)) {
        before.add(e.rule());
      }
    }
    long end = afterNanos + rig.options.bound().toNanos();
    Set<String> again = new TreeSet<>();
    while (true) {
      for (EventSeen e : rig.ledger.events()) {
        if (e.opened() && e.readNanos() >= afterNanos) {
          again.add(e.rule());
        }
      }
      if (again.containsAll(before) && rig.services().get(SERVICE).alive()) {
        rig.progress.line(
            "episodes continue: rules %s opened again %.1f s after (%d rules opened before)",
            before, (System.nanoTime() - afterNanos) / 1e9, before.size());
        return Optional.empty();
      }
      if (System.nanoTime() > end || !rig.services().get(SERVICE).alive()) {
        Set<String> missing = new TreeSet<>(before);
        missing.removeAll(again);
        String why =
            rig.services().get(SERVICE).alive()
                ? "rules "
                    + missing
                    + " opened no episode within "
                    + rig.options.bound().toSeconds()
                    + " s"
                : "the events service died";
        rig.progress.line("episodes do NOT continue: %s", why);
        return Optional.of(why);
      }
      Thread.sleep(250);
    }
  }
}
