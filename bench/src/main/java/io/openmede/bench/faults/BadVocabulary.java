package io.openmede.bench.faults;

import static io.openmede.bench.faults.RecordSender.bytes;

import io.openmede.schemas.avro.VocabularyEntry;
import io.openmede.world.Action;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bad input on the vocabulary topic: records that are not Avro or of an unknown schema, a prompt
 * without {@code {}}, an empty label, a 1 MB label; each refused by every recognizer ({@code
 * openmede_recognizer_vocabulary_refused_total}).
 */
final class BadVocabulary {

  private BadVocabulary() {}

  static FaultGroup group(FaultRig rig) {
    String vocabulary = rig.cluster.topics().vocabulary().name();
    RecordSender send = rig.sender;
    String scored = Action.labels().get(0);
    return FaultGroup.badInput(
        vocabulary,
        "vocabulary",
        List.of(
            new RefusedRecord(
                "vocabulary: not Avro",
                "vocabulary",
                () -> send.raw(vocabulary, bytes("faults not avro"), RecordSender.notAvro())),
            new RefusedRecord(
                "vocabulary: unknown schema id",
                "vocabulary",
                () ->
                    send.raw(
                        vocabulary, bytes("faults unknown id"), RecordSender.unknownSchemaId())),
            new RefusedRecord(
                "vocabulary: prompt without {} (for scored label '" + scored + "')",
                "vocabulary",
                () ->
                    send.vocabulary(
                        scored,
                        new VocabularyEntry(
                            scored, List.of("no placeholder"), true, Instant.now()))),
            new RefusedRecord(
                "vocabulary: empty label",
                "vocabulary",
                () -> send.vocabulary("", new VocabularyEntry("", List.of(), true, Instant.now()))),
            hugeLabel(send)));
  }

  /**
   * A label of 1 MB: the broker refuses the record (the topic's limit is 1 MiB and key and value
   * both hold the label), so then the largest label that fits goes in, which the recognizers must
   * refuse.
   */
  private static FaultCase hugeLabel(RecordSender send) {
    AtomicReference<String> broker = new AtomicReference<>("the broker took it");
    return new RefusedRecord(
        "vocabulary: 1 MB label",
        "vocabulary",
        () -> {
          String mb = "x".repeat(1 << 20);
          try {
            send.vocabulary(mb, new VocabularyEntry(mb, List.of(), true, Instant.now()));
            return;
          } catch (ExecutionException e) {
            broker.set(
                "the broker refused it ("
                    + e.getCause().getClass().getSimpleName()
                    + "), then a 400 000-character label that fits");
          }
          String big = "y".repeat(400_000);
          send.vocabulary(big, new VocabularyEntry(big, List.of(), true, Instant.now()));
        },
        broker::get);
  }
}
