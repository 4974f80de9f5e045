package io.openmede.recognizer;

import static io.openmede.recognizer.RecognitionTopologyWithFakeScorerTest.TOPICS;
import static io.openmede.recognizer.RecognitionTopologyWithFakeScorerTest.settings;
import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipConfig;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.text.ClipTokenizer;
import io.openmede.recognizer.score.ModelClipScorer;
import io.openmede.recognizer.score.ScorerPool;
import io.openmede.recognizer.swap.ModelSlot;
import io.openmede.recognizer.testing.Frames;
import io.openmede.recognizer.vocabulary.ClassEmbeddingCache;
import io.openmede.recognizer.window.WindowConfig;
import io.openmede.schemas.avro.FrameEncoding;
import io.openmede.schemas.avro.LabelScore;
import io.openmede.schemas.avro.Recognition;
import io.openmede.schemas.avro.VocabularyEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology with the real tiny CLIP behind the scorer: JPEG frames in, recognitions out. */
class RecognitionTopologyWithTinyModelTest {

  @TempDir Path stateDir;

  @Test
  void jpegFrames_tinyModel_recognizeEveryWindowAgainstTheVocabularyAndFollowASwap() {
    ClassEmbeddingCache cache =
        new ClassEmbeddingCache(
            ClipTokenizer.standard()::encodePadded, ClassTextEncoder.SIMPLE_TEMPLATES);
    try (ModelSlot<ClipModel> slot =
        new ModelSlot<>(ClipModel.random(ClipConfig.preset("tiny"), 1, ComputeDevice.CPU), "s1")) {
      Properties p = new Properties();
      p.put("application.id", "recognizer-tiny-test");
      p.put("bootstrap.servers", "unused:9092");
      p.put("state.dir", stateDir.toString());
      try (TopologyTestDriver driver =
          new TopologyTestDriver(
              RecognitionTopology.build(
                  TOPICS,
                  settings(WindowConfig.ofFrames(4, 4), 2, Duration.ofSeconds(1)),
                  ScorerPool.of(new ModelClipScorer(slot, cache))),
              p)) {
        TestInputTopic<String, io.openmede.schemas.avro.FrameBatch> frames =
            driver.createInputTopic(
                TOPICS.frames(), new StringSerializer(), TOPICS.frameSerde().serializer());
        TestInputTopic<String, VocabularyEntry> vocab =
            driver.createInputTopic(
                TOPICS.vocabulary(), new StringSerializer(), TOPICS.vocabularySerde().serializer());
        TestOutputTopic<String, Recognition> out =
            driver.createOutputTopic(
                TOPICS.recognitions(),
                new StringDeserializer(),
                TOPICS.recognitionSerde().deserializer());
        for (String label : List.of("waving", "jumping", "clapping")) {
          vocab.pipeInput(label, new VocabularyEntry(label, List.of(), true, Instant.EPOCH));
        }
        frames.pipeInput("cam", Frames.batch("cam", 0, 0, 7, FrameEncoding.JPEG));
        List<Recognition> first = out.readValuesToList();
        assertThat(first).extracting(Recognition::getFirstSequence).containsExactly(0L, 4L);
        slot.swap(ClipModel.random(ClipConfig.preset("tiny"), 2, ComputeDevice.CPU), "s2");
        frames.pipeInput("cam", Frames.batch("cam", 1, 8, 11, FrameEncoding.JPEG));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<Recognition> second = out.readValuesToList();
        assertThat(second).extracting(Recognition::getFirstSequence).containsExactly(8L);
        assertThat(first).extracting(Recognition::getModelVersion).containsOnly("s1");
        assertThat(second.get(0).getModelVersion()).isEqualTo("s2");
        for (Recognition r : first) {
          assertThat(r.getTop()).hasSize(3);
          assertThat(r.getTop().stream().map(LabelScore::getLabel))
              .containsExactlyInAnyOrder("waving", "jumping", "clapping");
          assertThat(r.getTop().stream().mapToDouble(LabelScore::getProbability).sum())
              .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        }
        assertThat(second.get(0).getTop().get(0).getCosine())
            .isNotEqualTo(first.get(0).getTop().get(0).getCosine());
      }
    }
  }
}
