package io.openmede.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.avro.CheckpointAnnouncement;
import io.openmede.schemas.avro.TrainingSummary;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DirectoryCheckpointStoreTest extends CheckpointStoreContractTest {

  @Override
  CheckpointStore create(Path root) throws IOException {
    return new DirectoryCheckpointStore(root);
  }

  static TrainingSummary summary() {
    return TrainingSummary.newBuilder()
        .setMethod("open-mede")
        .setUpdates(10)
        .setClips(320)
        .setOffsets(Map.of("0", 320L))
        .setMu(15)
        .setSigma(10)
        .setCycleSnapshots(22)
        .setSnapshotInterval(1)
        .setAlpha(3.33e-6)
        .setBeta(3.33e-6)
        .setDelta(1.67e-3)
        .build();
  }

  @Test
  void publish_readerPollingTheFinalPath_neverSeesAPartialFile_andAnnouncementFollowsCompleteFile()
      throws Exception {
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(temp.resolve("ckpt"));
    byte[] data = payload(2_000_000, 9);
    String expectedSha = sha256(data);
    Path finalFile = store.root().resolve("v7").resolve(DirectoryCheckpointStore.WEIGHTS);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger partialSeen = new AtomicInteger();
    AtomicInteger completeSeen = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              while (writing.get()) {
                try {
                  if (Files.exists(finalFile)) {
                    byte[] got = Files.readAllBytes(finalFile);
                    if (got.length == data.length && sha256(got).equals(expectedSha)) {
                      completeSeen.incrementAndGet();
                    } else {
                      partialSeen.incrementAndGet();
                    }
                  }
                } catch (Exception e) {
                  // a file that vanished between exists and read is not a partial read
                }
              }
            });
    reader.start();
    List<CheckpointAnnouncement> sent = new ArrayList<>();
    List<String> shaAtAnnouncement = new ArrayList<>();
    AnnouncementSink sink =
        a -> {
          try {
            Path f = Path.of(URI.create(a.getUri()));
            shaAtAnnouncement.add(DirectoryCheckpointStore.sha256Of(f));
            assertThat(Files.size(f)).isEqualTo(a.getSizeBytes());
          } catch (IOException e) {
            throw new AssertionError(e);
          }
          sent.add(a);
        };
    KeyPair key = KeyFiles.generate();
    CheckpointPublisher publisher =
        new CheckpointPublisher(store, sink, "openmede-tiny", "tiny", Optional.of(key));
    WeightsWriter slow =
        f -> {
          try (OutputStream out = Files.newOutputStream(f)) {
            for (int i = 0; i < data.length; i += 100_000) {
              out.write(data, i, Math.min(100_000, data.length - i));
              out.flush();
              Thread.sleep(5);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        };
    CheckpointAnnouncement a =
        publisher.publish("v7", slow, Optional.of("v6"), summary(), Map.of("eval.top1", 0.5));
    Thread.sleep(50);
    writing.set(false);
    reader.join();
    assertThat(partialSeen.get()).isZero();
    assertThat(completeSeen.get()).isPositive();
    assertThat(sent).containsExactly(a);
    assertThat(a.getSha256()).isEqualTo(expectedSha);
    assertThat(shaAtAnnouncement).containsExactly(expectedSha);
    assertThat(a.getSizeBytes()).isEqualTo(data.length);
    assertThat(a.getParentVersion()).isEqualTo("v6");
    assertThat(a.getMetrics()).containsEntry("eval.top1", 0.5);
    assertThat(CheckpointSigning.refusal(a, List.of(key.getPublic()))).isEmpty();
    assertThat(CheckpointSigning.refusal(a, List.of(KeyFiles.generate().getPublic()))).isPresent();
    assertThat(
            Files.readString(store.root().resolve("v7").resolve(DirectoryCheckpointStore.MANIFEST)))
        .contains(expectedSha)
        .contains("\"method\" : \"open-mede\"");
  }
}
