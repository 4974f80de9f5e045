package io.openmede.cli.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.CheckpointStatus;
import io.openmede.schemas.avro.OperatorDecision;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import io.openmede.schemas.checkpoint.ModelHistory;
import io.openmede.schemas.checkpoint.OperatorDecisionWriter;
import io.openmede.schemas.checkpoint.OperatorDecisions;
import io.openmede.schemas.checkpoint.OperatorSettings;
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
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** "base 0.583/0.333 n=24 p=0.046; guard ..." or "-". */
  static String figureText(CheckpointAnnouncement a) {
    return ModelHistory.figureText(a);
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
    Map<String, Object> described = h.describe();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", described.get("model"));
    root.put("serving", described.get("serving"));
    root.put("pinned", described.get("pinned"));
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
    root.put("versions", described.get("versions"));
    return root;
  }

  /** Publishes an operator decision; shared by promote, rollback and unpin. */
  abstract static class Decide implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LineOptions line;

    abstract OperatorDecisions.Action action();

    /** The version named on the command line; empty for unpin (the pinned one). */
    abstract Optional<String> version();

    abstract String outcome(String version);

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String name = action().word();
      Settings s = line.settings(List.of(OperatorSettings.GROUP, RecognizerSettings.GROUP));
      Optional<KeyPair> key;
      try {
        key = OperatorDecisionWriter.signingKey(s);
      } catch (IllegalArgumentException e) {
        err.println("model " + name + ": " + e.getMessage());
        return EXIT_USAGE;
      }
      if (key.isEmpty()) {
        err.println("model " + name + ": " + OperatorDecisionWriter.missingKeyMessage());
        return EXIT_USAGE;
      }
      Cluster cluster = Cluster.from(s);
      List<CheckpointAnnouncement> all = ModelHistory.read(cluster, err);
      Optional<String> model = line.line(all, err);
      if (model.isEmpty()) {
        return EXIT_FAILURE;
      }
      ModelHistory h = ModelHistory.of(model.get(), all);
      CheckpointAnnouncement decision;
      try (OperatorDecisionWriter writer =
          new OperatorDecisionWriter(
              cluster.clientConfig(),
              cluster.topics().checkpoints(),
              "openmede-model-" + name,
              key.get(),
              OperatorDecisionWriter.trainerKeys(s.get(RecognizerSettings.TRUSTED_KEYS)))) {
        decision = writer.publish(h, action(), version());
      } catch (OperatorDecisionWriter.RefusedException e) {
        err.println(e.getMessage());
        return EXIT_FAILURE;
      }
      out.println(
          name
              + " "
              + decision.getVersion()
              + " of "
              + model.get()
              + " announced, signed by operator key "
              + CheckpointSigning.keyId(key.get().getPublic())
              + ": "
              + outcome(decision.getVersion()));
      out.println(
          "recognizers apply it only if they list that key in "
              + RecognizerSettings.OPERATOR_KEYS.name()
              + "; each reports what it serves in openmede_recognizer_model_info (see openmede"
              + " model list --recognizer URL)");
      out.flush();
      return 0;
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
    Optional<String> version() {
      return Optional.of(version);
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
    Optional<String> version() {
      return Optional.of(version);
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
    Optional<String> version() {
      return Optional.empty();
    }

    @Override
    String outcome(String v) {
      return "recognizers no longer keep "
          + v
          + " and install the newest trainer checkpoint they have seen";
    }
  }
}
