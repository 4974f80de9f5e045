package io.openmede.cli.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openmede.platform.signing.KeyFiles;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.topic.Cluster;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code openmede model list|promote|rollback|unpin}: the model history on the checkpoints topic,
 * and an operator's decisions on it, signed by the operator's key ({@link OperatorDecisions}).
 */
public final class ModelHistoryCommands {
  private ModelHistoryCommands() {}

  /** Exit code when the command line or the configuration is wrong. */
  static final int EXIT_USAGE = 2;

  /** Exit code when the work failed. */
  static final int EXIT_FAILURE = 1;

  /** The subcommands, in the order {@code model --help} lists them. */
  public static List<Object> subcommands() {
    return List.of(new ListHistory(), new Promote(), new Rollback(), new Unpin());
  }

  /** The options every subcommand shares: the configuration and the model line. */
  static final class LineOptions {
    @Mixin ConfigOptions config;

    @Option(
        names = "--model",
        paramLabel = "NAME",
        description =
            "The model line (the recognizers' recognizer.model-name, e.g. openmede-tiny). Default:"
                + " the only line on the checkpoints topic.")
    String model;

    Settings settings(List<SettingsGroup> extra) {
      List<SettingsGroup> groups = new ArrayList<>(Cluster.GROUPS);
      groups.addAll(extra);
      return config.resolve(groups);
    }

    /** The line named or the only one on the topic; empty (with the reason on err) otherwise. */
    Optional<String> line(List<CheckpointAnnouncement> all, PrintWriter err) {
      if (model != null) {
        return Optional.of(model);
      }
      List<String> lines = ModelHistory.lines(all);
      if (lines.size() == 1) {
        return Optional.of(lines.get(0));
      }
      err.println(
          lines.isEmpty()
              ? "model: the checkpoints topic holds no announcement yet (has a trainer published"
                  + " a checkpoint?)"
              : "model: the checkpoints topic holds several model lines ("
                  + String.join(", ", lines)
                  + "); name one with --model");
      return Optional.empty();
    }
  }

  /** {@code model list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "The model history from the checkpoints topic: each version with its parent, training"
            + " method and updates, the gate's figures (top-1 of the candidate and of the model"
            + " serving when it was judged, per clip set: base, feedback, guard), its status"
            + " (promoted or held back by the trainer's gate) and the operators' decisions.",
        "SERVING marks the version a recognizer following the topic serves, replayed with the"
            + " recognizers' rules (assuming it trusts every signature). A recognizer's own report"
            + " is the truth: give its metrics address with --recognizer to read it.",
        "The topic is compacted: after the broker compacts it, only the latest trainer"
            + " checkpoint, held-back candidate and operator decision remain listed."
      })
  static final class ListHistory implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LineOptions line;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(
        names = "--recognizer",
        paramLabel = "URL",
        description =
            "A recognizer's metrics address (recognizer.metrics.port, e.g. http://host:9400),"
                + " repeatable: its served version and pin are read from its /metrics.")
    List<String> recognizers = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Cluster cluster = Cluster.from(line.settings(List.of()));
      List<CheckpointAnnouncement> all = ModelHistory.read(cluster, err);
      Optional<String> name = line.line(all, err);
      if (name.isEmpty()) {
        return json && all.isEmpty() ? printEmpty(out) : EXIT_FAILURE;
      }
      ModelHistory h = ModelHistory.of(name.get(), all);
      List<RecognizerReport> reports = recognizers.stream().map(RecognizerReport::read).toList();
      if (json) {
        out.println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(jsonOf(h, reports)));
      } else {
        printTable(h, reports, out);
      }
      out.flush();
      return 0;
    }

    private static int printEmpty(PrintWriter out) {
      out.println("{\"model\": null, \"versions\": []}");
      out.flush();
      return 0;
    }
  }

  /** What a recognizer says it serves, from its /metrics. */
  record RecognizerReport(
      String url, Optional<String> version, Optional<Boolean> pinned, Optional<String> error) {
    private static final Pattern VERSION =
        Pattern.compile(
            "^openmede_recognizer_model_info\\{[^}]*version=\"([^\"]*)\"", Pattern.MULTILINE);
    private static final Pattern PINNED =
        Pattern.compile(
            "^openmede_recognizer_model_pinned(?:\\{[^}]*\\})? ([0-9.eE+-]+)", Pattern.MULTILINE);

    static RecognizerReport read(String url) {
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      try {
        HttpResponse<String> r =
            HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build()
                .send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          return new RecognizerReport(
              url, Optional.empty(), Optional.empty(), Optional.of("HTTP " + r.statusCode()));
        }
        Matcher v = VERSION.matcher(r.body());
        Matcher p = PINNED.matcher(r.body());
        return new RecognizerReport(
            url,
            v.find() ? Optional.of(v.group(1)) : Optional.empty(),
            p.find() ? Optional.of(Double.parseDouble(p.group(1)) > 0) : Optional.empty(),
            v.find(0) ? Optional.empty() : Optional.of("no openmede_recognizer_model_info metric"));
      } catch (IOException | IllegalArgumentException e) {
        return new RecognizerReport(
            url, Optional.empty(), Optional.empty(), Optional.of(e.toString()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new RecognizerReport(
            url, Optional.empty(), Optional.empty(), Optional.of("interrupted"));
      }
    }
  }

  /** The clip sets of the gate's figures, base, feedback and guard first. */
  static List<String> sets(Map<String, Double> figures) {
    TreeSet<String> found = new TreeSet<>();
    figures.keySet().stream()
        .map(Object::toString)
        .filter(k -> k.endsWith(".candidate.top1"))
        .forEach(k -> found.add(k.substring(0, k.length() - ".candidate.top1".length())));
    List<String> ordered = new ArrayList<>();
    for (String s : List.of("base", "feedback", "guard")) {
      if (found.remove(s)) {
        ordered.add(s);
      }
    }
    ordered.addAll(found);
    return ordered;
  }

  private static Map<String, Double> figures(CheckpointAnnouncement a) {
    Map<String, Double> f = new LinkedHashMap<>();
    if (a.getGate() != null && a.getGate().getFigures() != null) {
      a.getGate().getFigures().forEach((k, v) -> f.put(k.toString(), v));
    }
    return f;
  }

  /** "base 0.583/0.333 n=24 p=0.046 · guard ..." or "-". */
  static String figureText(CheckpointAnnouncement a) {
    Map<String, Double> f = figures(a);
    List<String> parts = new ArrayList<>();
    for (String s : sets(f)) {
      StringBuilder b = new StringBuilder(s).append(' ');
      b.append(fmt(f.get(s + ".candidate.top1")))
          .append('/')
          .append(fmt(f.get(s + ".serving.top1")));
      Double n = f.get(s + ".videos");
      if (n != null) {
        b.append(" n=").append(n.longValue());
      }
      Double p = f.get(s + ".p-worse");
      if (p != null) {
        b.append(" p=").append(fmt(p));
      }
      parts.add(b.toString());
    }
    return parts.isEmpty() ? "-" : String.join("; ", parts);
  }

  private static String fmt(Double d) {
    return d == null ? "?" : String.format(Locale.ROOT, "%.3f", d);
  }

  static String status(CheckpointAnnouncement a) {
    return a.getStatus() == null
        ? "promoted (no gate)"
        : a.getStatus() == CheckpointStatus.HELD_BACK ? "held-back" : "promoted";
  }

  static String decisionText(OperatorDecision d) {
    return d.getAction() + " by " + d.getKeyId() + " at " + d.getDecidedAt();
  }

  static void printTable(ModelHistory h, List<RecognizerReport> reports, PrintWriter out) {
    out.println(
        "model line "
            + h.model()
            + ": a recognizer following the topic serves "
            + h.serving().orElse("its initial weights")
            + (h.pinned() ? " (pinned by an operator: openmede model unpin)" : ""));
    for (RecognizerReport r : reports) {
      out.println(
          "recognizer "
              + r.url()
              + ": "
              + (r.error().isPresent()
                  ? "unreadable (" + r.error().get() + ")"
                  : "serves "
                      + r.version().orElse("?")
                      + r.pinned().map(p -> p ? " (pinned)" : "").orElse("")));
    }
    out.println();
    String format = "%-2s %-20s %-20s %-10s %8s  %-24s  %-18s  %s%n";
    out.printf(
        Locale.ROOT,
        format,
        "",
        "VERSION",
        "PARENT",
        "METHOD",
        "UPDATES",
        "CREATED",
        "STATUS",
        "GATE: candidate/serving top-1 per set (vs the serving version)");
    for (ModelHistory.Entry e : h.entries()) {
      CheckpointAnnouncement a = e.announcement();
      boolean serving = h.serving().map(v -> v.equals(e.version())).orElse(false);
      String vs =
          a.getGate() == null
              ? ""
              : " (vs "
                  + Optional.ofNullable(a.getGate().getServingVersion()).orElse("initial")
                  + ")";
      out.printf(
          Locale.ROOT,
          format,
          serving ? (h.pinned() ? "*P" : "* ") : "",
          a.getVersion(),
          Optional.ofNullable(a.getParentVersion()).orElse("-"),
          a.getTraining() == null ? "-" : a.getTraining().getMethod(),
          a.getTraining() == null ? "-" : Long.toString(a.getTraining().getUpdates()),
          a.getCreatedAt(),
          status(a),
          figureText(a) + (figureText(a).equals("-") ? "" : vs));
      if (a.getStatus() == CheckpointStatus.HELD_BACK && a.getGate() != null) {
        out.println("     held back: " + a.getGate().getReason());
      }
      for (OperatorDecision d : e.decisions()) {
        out.println("     operator: " + decisionText(d));
      }
    }
    out.println();
    out.println(
        "* = served by a recognizer following the topic (P: pinned). Promote a held-back version:"
            + " openmede model promote VERSION; go back to one and keep it: openmede model rollback"
            + " VERSION; follow the trainer again: openmede model unpin.");
  }

  static Map<String, Object> jsonOf(ModelHistory h, List<RecognizerReport> reports) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", h.model());
    root.put("serving", h.serving().orElse(null));
    root.put("pinned", h.pinned());
    List<Map<String, Object>> rs = new ArrayList<>();
    for (RecognizerReport r : reports) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("url", r.url());
      m.put("version", r.version().orElse(null));
      m.put("pinned", r.pinned().orElse(null));
      m.put("error", r.error().orElse(null));
      rs.add(m);
    }
    root.put("recognizers", rs);
    List<Map<String, Object>> versions = new ArrayList<>();
    for (ModelHistory.Entry e : h.entries()) {
      CheckpointAnnouncement a = e.announcement();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", a.getVersion());
      m.put("parent", a.getParentVersion());
      m.put("method", a.getTraining() == null ? null : a.getTraining().getMethod());
      m.put("updates", a.getTraining() == null ? null : a.getTraining().getUpdates());
      m.put("clips", a.getTraining() == null ? null : a.getTraining().getClips());
      m.put("createdAt", a.getCreatedAt() == null ? null : a.getCreatedAt().toString());
      m.put("status", a.getStatus() == null ? null : a.getStatus().name());
      if (a.getGate() != null) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("servingVersion", a.getGate().getServingVersion());
        g.put("reason", a.getGate().getReason());
        g.put("figures", figures(a));
        m.put("gate", g);
      } else {
        m.put("gate", null);
      }
      List<Map<String, Object>> ds = new ArrayList<>();
      for (OperatorDecision d : e.decisions()) {
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("action", d.getAction());
        dm.put("pinned", d.getPinned());
        dm.put("keyId", d.getKeyId());
        dm.put("decidedAt", d.getDecidedAt() == null ? null : d.getDecidedAt().toString());
        ds.add(dm);
      }
      m.put("operator", ds);
      m.put("serving", h.serving().map(v -> v.equals(a.getVersion())).orElse(false));
      versions.add(m);
    }
    root.put("versions", versions);
    return root;
  }

  /** Publishes an operator decision; shared by promote, rollback and unpin. */
  abstract static class Decide implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LineOptions line;

    abstract OperatorDecisions.Action action();

    /** The version decided on, from the history; empty (with the reason on err) to stop. */
    abstract Optional<ModelHistory.Entry> target(ModelHistory h, PrintWriter err);

    abstract String outcome(String version);

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String name = action().word();
      Settings s = line.settings(List.of(OperatorSettings.GROUP));
      Optional<String> keyFile = s.get(OperatorSettings.SIGNING_KEY);
      if (keyFile.isEmpty()) {
        err.println(
            "model "
                + name
                + ": no operator key: set "
                + OperatorSettings.SIGNING_KEY.name()
                + " (or OPENMEDE_OPERATOR_SIGNING_KEY) to the operator's private key; make one"
                + " with 'openmede keys generate --operator' and list its .pub in every"
                + " recognizer's "
                + RecognizerSettings.OPERATOR_KEYS.name());
        return EXIT_USAGE;
      }
      KeyPair key;
      try {
        key = KeyFiles.readPair(Path.of(keyFile.get()));
      } catch (IOException e) {
        err.println(
            "model "
                + name
                + ": "
                + OperatorSettings.SIGNING_KEY.name()
                + ": "
                + e.getMessage()
                + "; make a pair with 'openmede keys generate --operator'");
        return EXIT_USAGE;
      }
      Cluster cluster = Cluster.from(s);
      List<CheckpointAnnouncement> all = ModelHistory.read(cluster, err);
      Optional<String> model = line.line(all, err);
      if (model.isEmpty()) {
        return EXIT_FAILURE;
      }
      ModelHistory h = ModelHistory.of(model.get(), all);
      Optional<ModelHistory.Entry> target = target(h, err);
      if (target.isEmpty()) {
        return EXIT_FAILURE;
      }
      CheckpointAnnouncement decision =
          OperatorDecisions.decide(target.get().announcement(), action(), Instant.now(), key);
      Map<String, Object> pc = cluster.producerConfig("openmede-model-" + name);
      pc.put(ProducerConfig.ACKS_CONFIG, "all");
      pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      try (KafkaProducer<String, CheckpointAnnouncement> p =
          new KafkaProducer<>(
              pc,
              new StringSerializer(),
              cluster.topics().checkpoints().valueSerde().serializer())) {
        p.send(
                new ProducerRecord<>(
                    cluster.topics().checkpoints().name(),
                    OperatorDecisions.key(model.get()),
                    decision))
            .get();
      }
      out.println(
          name
              + " "
              + target.get().version()
              + " of "
              + model.get()
              + " announced, signed by operator key "
              + CheckpointSigning.keyId(key.getPublic())
              + ": "
              + outcome(target.get().version()));
      out.println(
          "recognizers apply it only if they list that key in "
              + RecognizerSettings.OPERATOR_KEYS.name()
              + "; each reports what it serves in openmede_recognizer_model_info (see openmede"
              + " model list --recognizer URL)");
      out.flush();
      return 0;
    }

    /** The entry of {@code version}, or empty with the versions known. */
    static Optional<ModelHistory.Entry> existing(ModelHistory h, String version, PrintWriter err) {
      Optional<ModelHistory.Entry> e = h.find(version);
      if (e.isEmpty()) {
        err.println(
            "model: version "
                + version
                + " is not on the checkpoints topic for "
                + h.model()
                + " (known: "
                + (h.entries().isEmpty()
                    ? "none"
                    : String.join(
                        ", ", h.entries().stream().map(ModelHistory.Entry::version).toList()))
                + "); openmede model list shows the history");
      }
      return e;
    }
  }

  /** {@code model promote VERSION}. */
  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Announce that VERSION serves, signed by the operator's key (operator.signing-key):"
            + " recognizers that trust the key install it even if the trainer's gate held it back"
            + " or it is older than the serving one, and any pin ends.",
        "Trainer checkpoints created before the decision do not replace it; later ones do."
      })
  static final class Promote extends Decide {
    @Parameters(paramLabel = "VERSION", description = "A version listed by openmede model list.")
    String version;

    @Override
    OperatorDecisions.Action action() {
      return OperatorDecisions.Action.PROMOTE;
    }

    @Override
    Optional<ModelHistory.Entry> target(ModelHistory h, PrintWriter err) {
      return existing(h, version, err);
    }

    @Override
    String outcome(String v) {
      return "recognizers install " + v + "; later trainer checkpoints replace it as usual";
    }
  }

  /** {@code model rollback VERSION}. */
  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = {
        "Go back to VERSION and keep it: announce it signed by the operator's key"
            + " (operator.signing-key); recognizers that trust the key install it, although it is"
            + " older than the serving one, and pin it: trainer checkpoints are not installed"
            + " (logged, counted as refused with reason pinned, openmede_recognizer_model_pinned"
            + " 1) until openmede model unpin. The pin is remembered across restarts."
      })
  static final class Rollback extends Decide {
    @Parameters(paramLabel = "VERSION", description = "A version listed by openmede model list.")
    String version;

    @Override
    OperatorDecisions.Action action() {
      return OperatorDecisions.Action.ROLLBACK;
    }

    @Override
    Optional<ModelHistory.Entry> target(ModelHistory h, PrintWriter err) {
      return existing(h, version, err);
    }

    @Override
    String outcome(String v) {
      return "recognizers install " + v + " and keep it until openmede model unpin";
    }
  }

  /** {@code model unpin}. */
  @Command(
      name = "unpin",
      mixinStandardHelpOptions = true,
      description = {
        "End a rollback's pin, signed by the operator's key (operator.signing-key): recognizers"
            + " that trust the key install the newest trainer checkpoint they have seen and follow"
            + " the trainer again."
      })
  static final class Unpin extends Decide {
    @Override
    OperatorDecisions.Action action() {
      return OperatorDecisions.Action.UNPIN;
    }

    @Override
    Optional<ModelHistory.Entry> target(ModelHistory h, PrintWriter err) {
      if (!h.pinned() || h.serving().isEmpty()) {
        err.println(
            "model unpin: nothing of "
                + h.model()
                + " is pinned on the checkpoints topic (openmede model list shows the decisions)");
        return Optional.empty();
      }
      return h.find(h.serving().get());
    }

    @Override
    String outcome(String v) {
      return "recognizers no longer keep "
          + v
          + " and install the newest trainer checkpoint they have seen";
    }
  }
}
