package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.topic.Cluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The demo as a user runs it: one separate process with everything in it, shared by the ordered
 * tests. Recognitions come from every stream; a novel action added with {@code openmede vocab add}
 * is scored; the recognizer swaps to the trainer's first GWA checkpoint; the live page, driven in
 * headless Chromium, shows every stream and a label added on the page shows up in its recognitions;
 * SIGTERM stops it all and leaves no process or port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DemoIT {
  private static final Path ROOT =
      Path.of(System.getProperty("openmede.root", "..")).toAbsolutePath().normalize();
  private static final Set<String> STREAMS =
      Set.of("camera-1", "camera-2", "camera-3", "video-demo.mp4");
  private static final String NOVEL = "gliding up and down";
  private static final String NOVEL_ON_PAGE = "spinning in place";

  private Path data;
  private Process demo;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private Thread reader;
  private String bootstrap;
  private String registry;
  private int kafkaPort;
  private int registryPort;
  private int pagePort;
  private String pageUrl;

  @BeforeAll
  void startDemo() throws Exception {
    data = Files.createTempDirectory("openmede-demo-it");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.openmede.schemas.avro",
            "-Dopenmede.root=" + ROOT,
            "-cp",
            ROOT.resolve("cli/target/openmede.jar") + ":" + ROOT.resolve("cli/target/lib") + "/*",
            "io.openmede.cli.Main",
            "demo",
            "--free-ports",
            "--data-dir",
            data.toString(),
            "--set",
            "trainer.gwa.snapshot-interval=2",
            "--set",
            "trainer.gwa.cycle-snapshots=2",
            // the page test's rule posts to a receiver on this machine
            "--set",
            "events.webhook.allowed-hosts=127.0.0.1");
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.redirectErrorStream(true);
    demo = pb.start();
    reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    String ready = await(lines, l -> l.startsWith("demo: broker ready at "), 180);
    Matcher m =
        Pattern.compile("broker ready at (\\S+):(\\d+), registry at (http://\\S+):(\\d+)")
            .matcher(ready);
    assertThat(m.find()).as(ready).isTrue();
    bootstrap = m.group(1) + ":" + m.group(2);
    registry = m.group(3) + ":" + m.group(4);
    kafkaPort = Integer.parseInt(m.group(2));
    registryPort = Integer.parseInt(m.group(4));
    String pageLine = await(lines, l -> l.startsWith("demo: live page at "), 120);
    Matcher page =
        Pattern.compile("live page at (http://[^/]+:(\\d+)/\\?token=(\\S+))$").matcher(pageLine);
    assertThat(page.find()).as(pageLine).isTrue();
    pageUrl = page.group(1);
    pagePort = Integer.parseInt(page.group(2));
    await(lines, l -> l.startsWith("demo: running"), 240);
  }

  @AfterAll
  void killIfStillRunning() throws InterruptedException {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly();
      demo.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(1)
  void demo_recognizesEveryStream_scoresALabelAddedWithVocab_andSwapsModel() throws Exception {
    {
      Cluster cluster = Cluster.local(bootstrap, registry);
      List<Recognition> seen = new ArrayList<>();
      try (KafkaConsumer<String, Recognition> consumer = consumer(cluster)) {
        // recognitions from every stream
        readUntil(consumer, seen, s -> streamsOf(s).containsAll(STREAMS), 240);
        long vocabBefore =
            seen.stream().mapToLong(Recognition::getVocabularyVersion).max().orElse(0);
        assertThat(seen).noneMatch(r -> labels(r).contains(NOVEL));

        // a novel action, added as a user would, is scored in later windows
        assertThat(
                Main.run(
                    "vocab",
                    "add",
                    NOVEL,
                    "--set",
                    "kafka.bootstrap.servers=" + bootstrap,
                    "--set",
                    "schema.registry.url=" + registry))
            .isZero();
        readUntil(
            consumer,
            seen,
            s ->
                s.stream()
                    .anyMatch(
                        r -> r.getVocabularyVersion() > vocabBefore && labels(r).contains(NOVEL)),
            120);

        // the recognizer swaps to the trainer's first GWA checkpoint
        String initial = seen.get(0).getModelVersion();
        readUntil(
            consumer,
            seen,
            s -> s.stream().anyMatch(r -> r.getModelVersion().contains("-u0")),
            300);
        assertThat(initial).doesNotContain("-u0");
      }
      // signing is on in the main job: the swap above was of a signed checkpoint
      assertThat(String.join("\n", lines))
          .contains("now serving model version")
          .contains("demo: made the checkpoint signing key")
          .contains("announced checkpoints must be signed by key")
          .contains("signing checkpoint announcements with key");
      for (int port : List.of(kafkaPort, registryPort, pagePort)) {
        assertThat(listening(port)).as("port " + port + " while running").isTrue();
      }
    }
  }

  @Test
  @Order(2)
  void
      livePage_inChromium_showsEveryStream_aLabelAddedThereIsRecognized_aRuleYieldsAnEvent_aCorrectionBecomesAClip()
          throws Exception {
    Path script = ROOT.resolve("web/e2e/live-page.mjs");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/chromium")),
        "chromium is not installed (apt-get install chromium; .ci/run does)");
    assumeTrue(
        Files.isDirectory(ROOT.resolve("web/e2e/node_modules/playwright-core")),
        "playwright-core is not installed (npm ci --prefix web/e2e; .ci/run does)");
    Path shot = ROOT.resolve("cli/target/live-page.png");
    Files.deleteIfExists(shot);
    Process node =
        new ProcessBuilder(
                "node",
                script.toString(),
                pageUrl,
                shot.toString(),
                String.join(",", new java.util.TreeSet<>(STREAMS)),
                NOVEL_ON_PAGE)
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(node.exitValue()).as(out).isZero();
    assertThat(out).contains("appears in the recognitions on the page");
    assertThat(Files.size(shot)).as("screenshot " + shot).isGreaterThan(20_000);

    // the correction and the confirmation made on the page are labeled clips on the topic, of
    // exactly the window's frames, with the label given
    Matcher ids = Pattern.compile("(?m)^feedback clip (\\S+)$").matcher(out);
    List<String> clipIds = new ArrayList<>();
    while (ids.find()) {
      clipIds.add(ids.group(1));
    }
    assertThat(clipIds).as(out).hasSize(2);
    // the clips of each id, in topic order (the two may name the same window, then the same id)
    Map<String, List<io.openmede.schemas.avro.LabeledClip>> clips = new java.util.HashMap<>();
    Predicate<Map<String, List<io.openmede.schemas.avro.LabeledClip>>> both =
        m ->
            m.getOrDefault(clipIds.get(0), List.of()).stream()
                    .anyMatch(c -> c.getLabel().equals("page correction"))
                && m.getOrDefault(clipIds.get(1), List.of()).stream()
                    .anyMatch(c -> c.getLabel().equals(NOVEL_ON_PAGE));
    Cluster cluster = Cluster.local(bootstrap, registry);
    try (KafkaConsumer<String, io.openmede.schemas.avro.LabeledClip> c =
        new KafkaConsumer<>(
            cluster.consumerConfig("demo-it-clips-" + System.nanoTime()),
            new StringDeserializer(),
            cluster.topics().labeledClips().valueSerde().deserializer())) {
      c.subscribe(List.of(cluster.topics().labeledClips().name()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!both.test(clips) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, io.openmede.schemas.avro.LabeledClip> r :
            c.poll(Duration.ofMillis(500))) {
          if (clipIds.contains(r.key())) {
            clips.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
          }
        }
      }
    }
    assertThat(both.test(clips)).as("clips %s for %s", clips.keySet(), clipIds).isTrue();
    io.openmede.schemas.avro.LabeledClip corrected =
        clips.get(clipIds.get(0)).stream()
            .filter(x -> x.getLabel().equals("page correction"))
            .findFirst()
            .orElseThrow();
    String range = clipIds.get(0).substring(clipIds.get(0).lastIndexOf(':') + 1);
    long first = Long.parseLong(range.substring(0, range.indexOf('-')));
    long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
    assertThat(corrected.getFrames()).hasSize((int) (last - first + 1));
    assertThat(corrected.getSource()).isEqualTo(clipIds.get(0));
  }

  @Test
  @Order(3)
  void theDemosRule_getsAClipOfItsEvents_inTheDataDir_andTheOutputSaysSo() throws Exception {
    Cluster cluster = Cluster.local(bootstrap, registry);
    Map<String, Object> config = cluster.consumerConfig("demo-it-clips");
    config.remove("group.id");
    List<io.openmede.schemas.avro.ClipMade> made = new ArrayList<>();
    try (KafkaConsumer<String, io.openmede.schemas.avro.ClipMade> c =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            cluster.topics().clips().valueSerde().deserializer())) {
      String topic = cluster.topics().clips().name();
      List<org.apache.kafka.common.TopicPartition> parts =
          c.partitionsFor(topic).stream()
              .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      // the demo's rule opens an event every minute or two: usually one is clipped by now
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (made.stream().noneMatch(DemoIT::aClipOfTheDemosRule)) {
        assertThat(System.nanoTime())
            .as("waiting 240 s for a clip of rule demo-spinning; clip records so far: %s", made)
            .isLessThan(deadline);
        assertThat(demo.isAlive()).as("the demo runs").isTrue();
        c.poll(Duration.ofMillis(500)).forEach(r -> made.add(r.value()));
      }
    }
    io.openmede.schemas.avro.ClipMade clip =
        made.stream().filter(DemoIT::aClipOfTheDemosRule).findFirst().orElseThrow();
    // the MP4 is in the demo's data dir, as the record describes it
    Path mp4 = data.resolve("clips").resolve(clip.getUri().substring("clips:".length()));
    assertThat(mp4).isRegularFile();
    assertThat(Files.size(mp4)).isEqualTo(clip.getSizeBytes());
    assertThat(clip.getFrames()).isGreaterThan(8);
    assertThat(
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(mp4))))
        .isEqualTo(clip.getSha256());
    // and the demo said so
    String said = await(lines, l -> l.startsWith("demo: clip of " + clip.getEventId() + ": "), 10);
    assertThat(said).contains(mp4.toString()).contains(clip.getFrames() + " frames");
    // and the live page's clips timeline lists it
    String token = pageUrl.substring(pageUrl.indexOf("?token=") + "?token=".length());
    java.net.http.HttpResponse<String> listed =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            "http://127.0.0.1:" + pagePort + "/api/clips?rule=demo-spinning"))
                    .header("X-Openmede-Token", token)
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
    assertThat(listed.body()).contains("\"eventId\":\"" + clip.getEventId() + "\"");
  }

  private static boolean aClipOfTheDemosRule(io.openmede.schemas.avro.ClipMade c) {
    return c != null
        && c.getRule().equals("demo-spinning")
        && c.getStatus() == io.openmede.schemas.avro.ClipStatus.MADE;
  }

  @Test
  @Order(4)
  void sigterm_stopsEverything_andLeavesNoProcessOrPort() throws Exception {
    {

      // SIGTERM: everything stops, nothing is left behind
      List<ProcessHandle> family = new ArrayList<>(demo.descendants().toList());
      family.add(demo.toHandle());
      // SIGTERM, as a service manager sends it
      new ProcessBuilder("kill", "-TERM", Long.toString(demo.pid())).inheritIO().start().waitFor();
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("demo exits after SIGTERM").isTrue();
      reader.join(10_000);
      assertThat(lines).as("output after SIGTERM").contains("demo: stopping", "demo: stopped");
      assertThat(demo.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
      for (ProcessHandle h : family) {
        assertThat(h.isAlive()).as("process " + h.pid()).isFalse();
      }
      for (int port : List.of(kafkaPort, registryPort, pagePort)) {
        assertThat(listening(port)).as("port " + port + " after stop").isFalse();
      }
    }
  }

  private static KafkaConsumer<String, Recognition> consumer(Cluster cluster) {
    Map<String, Object> config = cluster.consumerConfig("demo-it-" + System.nanoTime());
    KafkaConsumer<String, Recognition> c =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            cluster.topics().recognitions().valueSerde().deserializer());
    c.subscribe(List.of(cluster.topics().recognitions().name()));
    return c;
  }

  private void readUntil(
      KafkaConsumer<String, Recognition> consumer,
      List<Recognition> seen,
      Predicate<List<Recognition>> done,
      int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.test(seen)) {
      if (!demo.isAlive()) {
        throw new AssertionError(
            "the demo exited with status "
                + demo.exitValue()
                + " while we waited for recognitions; its last lines:\n"
                + lastLines(40));
      }
      assertThat(System.nanoTime())
          .as("waiting " + seconds + " s for recognitions; streams so far " + streamsOf(seen))
          .isLessThan(deadline);
      for (ConsumerRecord<String, Recognition> r : consumer.poll(Duration.ofMillis(500))) {
        seen.add(r.value());
      }
    }
  }

  private String lastLines(int n) {
    List<String> copy = List.copyOf(lines);
    return String.join("\n", copy.subList(Math.max(0, copy.size() - n), copy.size()));
  }

  private static Set<String> streamsOf(List<Recognition> recognitions) {
    return recognitions.stream()
        .map(Recognition::getStreamId)
        .collect(java.util.stream.Collectors.toSet());
  }

  private static List<String> labels(Recognition r) {
    return r.getTop().stream().map(LabelScore::getLabel).toList();
  }

  private static String await(List<String> lines, Predicate<String> match, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (String l : lines) {
        if (match.test(l)) {
          return l;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the demo did not print the expected line within "
            + seconds
            + " s; it printed:\n"
            + String.join("\n", lines));
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
