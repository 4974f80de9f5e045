package io.openmede.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.embedded.EmbeddedPlatform;
import io.openmede.model.ComputeDevice;
import io.openmede.model.train.ParameterSet;
import io.openmede.schemas.avro.LabeledClip;
import io.openmede.schemas.registry.RestSchemaRegistryClient;
import io.openmede.schemas.topic.TopicNames;
import io.openmede.schemas.topic.TopicProvisioner;
import io.openmede.schemas.topic.Topics;
import io.openmede.trainer.state.TrainerState;
import io.openmede.trainer.state.TrainerStateStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must show 5: a trainer process killed with SIGKILL between state saves and restarted reaches the
 * same θ as an uninterrupted run over the same stream; no clip is skipped and none is trained twice
 * beyond the saved state.
 */
class TrainerResumeIT {

  private static final int CLIPS = 16; // 4 updates of 2·N·B = 4 clips
  private static final int UPDATES = CLIPS / 4;
  private static final int K = 2; // state every 2 updates

  @TempDir Path temp;

  record Run(int exitCode, List<String> updateLines, Process process) {}

  private static Process start(EmbeddedPlatform p, Path state, Path ckpt, long pauseAfter)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    for (String prop : List.of("org.apache.avro.SERIALIZABLE_PACKAGES")) {
      if (System.getProperty(prop) != null) {
        cmd.add("-D" + prop + "=" + System.getProperty(prop));
      }
    }
    cmd.add(ResumableTrainerMain.class.getName());
    cmd.addAll(
        List.of(
            p.bootstrapServers(),
            p.registryUrl(),
            state.toString(),
            ckpt.toString(),
            Integer.toString(K),
            Integer.toString(UPDATES),
            Long.toString(pauseAfter)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putIfAbsent("DJL_OFFLINE", "true");
    pb.environment().putIfAbsent("OPT_OUT_TRACKING", "true");
    return pb.start();
  }

  /** Reads the child's output until it exits or prints {@code until}; returns UPDATE lines. */
  private static List<String> follow(Process proc, String until, List<String> log)
      throws Exception {
    List<String> updates = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        log.add(System.currentTimeMillis() % 1_000_000 + " " + line);
        if (line.startsWith("UPDATE ")) {
          updates.add(line);
        }
        if (line.equals(until)) {
          return updates;
        }
      }
    }
    return updates;
  }

  private static float[] theta(Path state) throws Exception {
    try (TrainerState s = new TrainerStateStore(state).load(ComputeDevice.CPU).orElseThrow()) {
      s.adamw().close();
      s.averageAccumulator().ifPresent(ParameterSet::close);
      List<Float> all = new ArrayList<>();
      for (String n : s.theta().names()) {
        for (float f : s.theta().values(n)) {
          all.add(f);
        }
      }
      float[] out = new float[all.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = all.get(i);
      }
      assertThat(s.progress().updates()).isEqualTo(UPDATES);
      assertThat(s.progress().offsets()).containsEntry(0, (long) CLIPS);
      return out;
    }
  }

  private static List<String> clipsOf(List<String> updateLines, int fromUpdate, int toUpdate) {
    List<String> out = new ArrayList<>();
    for (String l : updateLines) {
      String[] parts = l.split(" ");
      int u = Integer.parseInt(parts[1]);
      if (u >= fromUpdate && u <= toUpdate) {
        out.addAll(Arrays.asList(parts[2].split(",")));
      }
    }
    return out;
  }

  @Test
  void killedBetweenStateSaves_andRestarted_reachesSameThetaAsUninterruptedRun() throws Exception {
    try (EmbeddedPlatform platform = EmbeddedPlatform.startTemporary()) {
      RestSchemaRegistryClient registry =
          RestSchemaRegistryClient.builder(platform.registryUrl()).build();
      Topics topics = Topics.create(TopicNames.defaults(), 1, registry, Map.of());
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
        new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(topics);
      }
      try (KafkaProducer<String, LabeledClip> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", platform.bootstrapServers()),
              topics.labeledClips().keySerde().serializer(),
              topics.labeledClips().valueSerde().serializer())) {
        for (int i = 0; i < CLIPS; i++) {
          LabeledClip c = TestClips.streamClip(i);
          producer.send(new ProducerRecord<>(topics.labeledClips().name(), c.getClipId(), c)).get();
        }
      }
      List<String> log = new ArrayList<>();
      try {
        check(platform, log);
      } finally {
        java.nio.file.Files.write(Path.of("target", "trainer-resume-it.log"), log);
      }
    }
  }

  private void check(EmbeddedPlatform platform, List<String> log) throws Exception {
    {
      // 1. uninterrupted
      Path stateU = temp.resolve("state-u");
      Process u = start(platform, stateU, temp.resolve("ckpt-u"), 0);
      List<String> uninterrupted = follow(u, "DONE", log);
      assertThat(u.waitFor(120, TimeUnit.SECONDS)).as(String.join("\n", log)).isTrue();
      assertThat(uninterrupted).as(String.join("\n", log)).hasSize(UPDATES);

      // 2. killed with SIGKILL after update 3 (state saved at 2), then restarted
      Path stateI = temp.resolve("state-i");
      Process first = start(platform, stateI, temp.resolve("ckpt-i"), 3);
      List<String> beforeKill = follow(first, "PAUSED", log);
      first.destroyForcibly(); // SIGKILL on Unix: no shutdown hook runs, no state is saved
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as("killed, not finished").isNotZero();
      assertThat(beforeKill).hasSize(3);
      Process second = start(platform, stateI, temp.resolve("ckpt-i"), 0);
      List<String> afterRestart = follow(second, "DONE", log);
      assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();

      // resumed from the state of update 2: updates 3.. again, starting at clip 8
      assertThat(afterRestart).extracting(l -> l.split(" ")[1]).containsExactly("3", "4");
      List<String> trained = new ArrayList<>(clipsOf(beforeKill, 1, K));
      trained.addAll(clipsOf(afterRestart, 3, UPDATES));
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < CLIPS; i++) {
        expected.add("clip-" + i);
      }
      assertThat(trained).containsExactlyElementsOf(expected);
      assertThat(clipsOf(afterRestart, 3, UPDATES)).isEqualTo(clipsOf(uninterrupted, 3, UPDATES));

      float[] a = theta(stateU);
      float[] b = theta(stateI);
      assertThat(b).hasSameSizeAs(a);
      double max = 0;
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i] - b[i]));
      }
      assertThat(max).as("max |θ_uninterrupted − θ_resumed|").isLessThan(1e-5);
    }
  }
}
