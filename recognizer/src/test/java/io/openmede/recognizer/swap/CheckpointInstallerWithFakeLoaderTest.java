package io.openmede.recognizer.swap;

import static io.openmede.recognizer.swap.CheckpointFetcherTest.announcement;
import static io.openmede.recognizer.swap.CheckpointFetcherTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installer's sequencing with a FAKE loader (the file's text is the "architecture"). */
class CheckpointInstallerWithFakeLoaderTest {

  record FakeModel(String arch, List<String> log) implements AutoCloseable {
    @Override
    public void close() {
      log.add("closed " + arch);
    }
  }

  @TempDir Path dir;
  final List<String> log = new ArrayList<>();
  final List<String> events = new ArrayList<>();

  final CheckpointInstaller.Loader<FakeModel> loader =
      new CheckpointInstaller.Loader<>() {
        @Override
        public FakeModel load(Path weights, int replica) throws IOException {
          String text = Files.readString(weights);
          if (text.startsWith("garbage")) {
            throw new IOException("not a safetensors file");
          }
          log.add("loaded " + text + " on " + replica);
          return new FakeModel(text, log);
        }

        @Override
        public Optional<String> incompatibility(FakeModel candidate, FakeModel serving) {
          return candidate.arch().startsWith(serving.arch().substring(0, 4))
              ? Optional.empty()
              : Optional.of(candidate.arch() + " is not " + serving.arch());
        }

        @Override
        public void warm(FakeModel model, String version) {
          log.add("warmed " + model.arch());
        }
      };

  final CheckpointInstaller.Listener listener =
      new CheckpointInstaller.Listener() {
        @Override
        public void installed(String version) {
          events.add("installed " + version);
        }

        @Override
        public void refused(String version, String reason) {
          events.add("refused " + version + " " + reason);
        }
      };

  List<ModelSlot<FakeModel>> slots() {
    return List.of(
        new ModelSlot<>(new FakeModel("tiny-a", log), "v1"),
        new ModelSlot<>(new FakeModel("tiny-a", log), "v1"));
  }

  CheckpointInstaller<FakeModel> installer(List<ModelSlot<FakeModel>> slots) {
    return new CheckpointInstaller<>(
        new CheckpointFetcher(dir.resolve("cache"), java.util.List.of(dir)),
        slots,
        loader,
        listener);
  }

  Path weights(String text) throws Exception {
    return Files.writeString(dir.resolve(text + ".bin"), text);
  }

  @Test
  void install_goodCheckpoint_loadsAndWarmsEveryReplicaBeforeSwapping() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("tiny-b");
    installer(slots).install(announcement("v2", w.toString(), sha256("tiny-b".getBytes()), 6, "t"));
    assertThat(log)
        .containsExactly(
            "loaded tiny-b on 0",
            "warmed tiny-b",
            "loaded tiny-b on 1",
            "warmed tiny-b",
            "closed tiny-a",
            "closed tiny-a");
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v2"));
    assertThat(events).containsExactly("installed v2");
  }

  @Test
  void install_otherArchitecture_isRefusedAndEveryLoadedCopyClosed() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("vitb-x");
    assertThatThrownBy(
            () ->
                installer(slots)
                    .install(announcement("v2", w.toString(), sha256("vitb-x".getBytes()), 6, "t")))
        .isInstanceOf(CheckpointRefusedException.class)
        .hasMessageContaining("refused (architecture): vitb-x is not tiny-a");
    assertThat(log).containsExactly("loaded vitb-x on 0", "closed vitb-x");
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v1"));
    assertThat(events).containsExactly("refused v2 architecture");
  }

  @Test
  void install_unreadableWeights_isRefused() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("garbage");
    assertThatThrownBy(
            () ->
                installer(slots)
                    .install(
                        announcement("v2", w.toString(), sha256("garbage".getBytes()), 7, "t")))
        .hasMessageContaining("refused (unreadable): not a safetensors file");
    assertThat(slots).allSatisfy(s -> assertThat(s.version()).isEqualTo("v1"));
    assertThat(events).containsExactly("refused v2 unreadable");
  }

  @Test
  void install_tamperedFile_isRefusedBeforeLoading() throws Exception {
    List<ModelSlot<FakeModel>> slots = slots();
    Path w = weights("tiny-b");
    String announcedHash = sha256("tiny-c".getBytes());
    assertThatThrownBy(
            () -> installer(slots).install(announcement("v2", w.toString(), announcedHash, 6, "t")))
        .hasMessageContaining("refused (hash)");
    assertThat(log).isEmpty();
    assertThat(events).containsExactly("refused v2 hash");
  }
}
