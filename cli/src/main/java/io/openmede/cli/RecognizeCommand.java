package io.openmede.cli;

import io.openmede.events.clips.ClipSettings;
import io.openmede.events.clips.DirectoryClipStore;
import io.openmede.platform.health.Health;
import io.openmede.platform.service.RunningService;
import io.openmede.platform.service.ServiceSkeleton;
import io.openmede.recognizer.RecognizerService;
import io.openmede.recognizer.RecognizerSettings;
import io.openmede.schemas.checkpoint.OperatorDecisionWriter;
import io.openmede.schemas.checkpoint.OperatorSettings;
import io.openmede.schemas.feedback.FeedbackWriter;
import io.openmede.schemas.topic.Cluster;
import io.openmede.schemas.vocabulary.VocabularyWriter;
import io.openmede.settings.ConfigOptions;
import io.openmede.settings.Settings;
import io.openmede.settings.SettingsGroup;
import io.openmede.web.LiveFeed;
import io.openmede.web.LivePage;
import io.openmede.web.LiveState;
import io.openmede.web.RulesWriter;
import io.openmede.web.WebSettings;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code openmede recognize}: runs the recognizer until interrupted. */
@Command(
    name = "recognize",
    mixinStandardHelpOptions = true,
    description =
        "Recognize actions in the frames topic against the live vocabulary, following announced"
            + " checkpoints; writes the recognitions topic.")
final class RecognizeCommand implements Callable<Integer> {

  @Mixin ConfigOptions config;

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description =
          "Also serve the live page (latest frames with their labels, the vocabulary with"
              + " add/remove, model versions, dead letters) and /metrics on 127.0.0.1:PORT"
              + " (0 picks a free port).")
  Integer http;

  @Option(
      names = "--http-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Address the live page binds to (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String httpHost;

  /** Every settings group the command reads. */
  public static List<SettingsGroup> groups() {
    List<SettingsGroup> g = new ArrayList<>(RecognizerSettings.SERVICE_GROUPS);
    g.add(WebSettings.GROUP);
    g.add(ClipSettings.SETTINGS_GROUP);
    g.add(OperatorSettings.GROUP);
    return g;
  }

  @Override
  public Integer call() throws Exception {
    return ServiceSkeleton.run("recognizer", config.resolve(groups()), this::start, System.err);
  }

  private RunningService start(Settings s) throws Exception {
    Cluster cluster = Cluster.connect(s);
    RecognizerService service =
        RecognizerService.start(cluster, RecognizerSettings.from(s), Map.of());
    if (http == null) {
      return service;
    }
    try {
      return new WithPage(
          service,
          LiveView.start(
              cluster,
              service,
              httpHost,
              http,
              WebSettings.from(s),
              ClipSettings.from(s),
              OperatorDecisionWriter.signingKey(s),
              OperatorDecisionWriter.trainerKeys(s.get(RecognizerSettings.TRUSTED_KEYS))));
    } catch (Exception | Error e) {
      service.close();
      throw e;
    }
  }

  /** The recognizer with its live page, which closes first. */
  private record WithPage(RecognizerService service, LiveView page) implements RunningService {
    @Override
    public Health health() {
      return service.health();
    }

    @Override
    public void close() {
      page.close();
      service.close();
    }
  }

  /** The live page of a recognizer process: its feed, its writers, its HTTP server. */
  private record LiveView(
      LiveFeed feed,
      VocabularyWriter vocabulary,
      RulesWriter rules,
      FeedbackWriter feedback,
      Optional<OperatorDecisionWriter> operator,
      LivePage page)
      implements AutoCloseable {
    static LiveView start(
        Cluster cluster,
        RecognizerService service,
        String host,
        int port,
        WebSettings web,
        ClipSettings clips,
        Optional<KeyPair> operatorKey,
        List<java.security.PublicKey> trainerKeys)
        throws java.io.IOException {
      LiveState state = new LiveState();
      LiveFeed feed = new LiveFeed(cluster.clientConfig(), cluster.topics(), state);
      VocabularyWriter vocabulary =
          new VocabularyWriter(
              cluster.clientConfig(),
              cluster.topics().vocabulary(),
              "openmede-live-page-vocabulary");
      RulesWriter rules = new RulesWriter(cluster.clientConfig(), cluster.topics().rules());
      FeedbackWriter feedback =
          new FeedbackWriter(
              cluster.clientConfig(), cluster.topics().feedback(), "openmede-live-page-feedback");
      // the model history's buttons, signed with the operator's key when one is configured
      Optional<OperatorDecisionWriter> operator =
          operatorKey.map(
              k ->
                  new OperatorDecisionWriter(
                      cluster.clientConfig(),
                      cluster.topics().checkpoints(),
                      "openmede-live-page-operator",
                      k,
                      trainerKeys));
      LivePage page =
          new LivePage(
              state,
              new LivePage.Writers(
                  Optional.of(vocabulary), Optional.of(rules), Optional.of(feedback), operator),
              List.of(service.metrics().registry()),
              web,
              service.health());
      if (clips.enabled()) {
        // the events service's clip store, where this page can read it (a shared directory)
        page.withClips(new DirectoryClipStore(clips.dir(), clips.maxBytes()));
      }
      page.start(host, port);
      feed.start();
      System.err.println("live page at " + page.url());
      return new LiveView(feed, vocabulary, rules, feedback, operator, page);
    }

    @Override
    public void close() {
      page.close();
      feed.close();
      vocabulary.close();
      rules.close();
      feedback.close();
      operator.ifPresent(OperatorDecisionWriter::close);
    }
  }
}
