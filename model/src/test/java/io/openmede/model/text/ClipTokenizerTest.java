package io.openmede.model.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ClipTokenizerTest {

  private static final ClipTokenizer TOKENIZER = ClipTokenizer.standard();

  /** The ids OpenAI's tokenizer gave for the clip-tiny fixture (shared/fixtures/clip-tiny). */
  static List<TokenizerFixtures.TextIds> openAiFixture() {
    return TokenizerFixtures.textIds("tokens.jsonl");
  }

  /**
   * Edge cases whose ids come from a line-by-line Python port of OpenAI's simple_tokenizer.py
   * (without ftfy, on texts that ftfy leaves unchanged), run with Python's regex module.
   */
  static List<TokenizerFixtures.TextIds> edgeCases() {
    return TokenizerFixtures.textIds("edge-cases.jsonl");
  }

  @Test
  void openAiFixture_hasEveryLine() {
    assertThat(openAiFixture()).hasSize(90);
  }

  @ParameterizedTest
  @MethodSource("openAiFixture")
  void encode_openAiFixtureLine_givesIdenticalIds(TokenizerFixtures.TextIds expected) {
    assertThat(TOKENIZER.encode(expected.text())).containsExactly(expected.ids());
  }

  @ParameterizedTest
  @MethodSource("edgeCases")
  void encode_edgeCase_givesReferenceIds(TokenizerFixtures.TextIds expected) {
    assertThat(TOKENIZER.encode(expected.text())).containsExactly(expected.ids());
  }

  @Test
  void specialTokens_andVocabSize_areClips() {
    assertThat(TOKENIZER.startToken()).isEqualTo(49406);
    assertThat(TOKENIZER.endToken()).isEqualTo(49407);
    assertThat(TOKENIZER.vocabSize()).isEqualTo(49408);
  }

  @Test
  void encode_emptyText_givesStartAndEndOnly() {
    assertThat(TOKENIZER.encode("")).containsExactly(49406, 49407);
    assertThat(TOKENIZER.encode(" \t\n ")).containsExactly(49406, 49407);
  }

  @Test
  void encode_knownWords_giveKnownIds() {
    // "a" = 320, "photo" = 1125, "of" = 539, "." = 269 in CLIP's vocabulary
    assertThat(TOKENIZER.encode("a photo of.")).containsExactly(49406, 320, 1125, 539, 269, 49407);
  }

  @Test
  void encode_isCaseInsensitive() {
    assertThat(TOKENIZER.encode("A PHOTO Of A Dog"))
        .containsExactly(TOKENIZER.encode("a photo of a dog"));
  }

  @Test
  void encode_htmlEntities_areUnescapedTwice() {
    assertThat(TOKENIZER.encode("fish &amp; chips"))
        .containsExactly(TOKENIZER.encode("fish & chips"));
    assertThat(TOKENIZER.encode("&amp;lt;b&amp;gt;")).containsExactly(TOKENIZER.encode("<b>"));
    assertThat(TOKENIZER.encode("caf&eacute; &#233;")).containsExactly(TOKENIZER.encode("café é"));
  }

  @Test
  void encode_whitespaceRuns_collapseAndEndsAreStripped() {
    int[] expected = TOKENIZER.encode("multiple spaces and tabs");
    assertThat(TOKENIZER.encode("  multiple   spaces\tand\ttabs  ")).containsExactly(expected);
    assertThat(TOKENIZER.encode("\u3000multiple\u00a0spaces\nand\r\ntabs\u2029"))
        .containsExactly(expected);
  }

  @Test
  void encodePadded_shortText_isStartIdsEndThenZeros() {
    int[] ids = TOKENIZER.encode("a photo of a dog");
    int[] row = TOKENIZER.encodePadded("a photo of a dog", ClipTokenizer.CONTEXT_LENGTH);

    assertThat(row).hasSize(77);
    assertThat(Arrays.copyOf(row, ids.length)).containsExactly(ids);
    assertThat(Arrays.copyOfRange(row, ids.length, 77)).containsOnly(0);
  }

  @Test
  void encodePadded_exactFit_isUnchanged() {
    int[] ids = TOKENIZER.encode("a photo of a dog");
    assertThat(TOKENIZER.encodePadded("a photo of a dog", ids.length)).containsExactly(ids);
  }

  @Test
  void encodePadded_longText_isTruncatedWithEndTokenLast() {
    String longText = "a photo of a dog ".repeat(40);
    int[] ids = TOKENIZER.encode(longText);
    assertThat(ids.length).isGreaterThan(77);

    int[] row = TOKENIZER.encodePadded(longText, 77);

    assertThat(row).hasSize(77);
    assertThat(row[0]).isEqualTo(49406);
    assertThat(Arrays.copyOf(row, 76)).containsExactly(Arrays.copyOf(ids, 76));
    assertThat(row[76]).isEqualTo(49407);
  }

  @Test
  void encodePadded_oneTokenTooLong_replacesLastWordWithEndToken() {
    int[] ids = TOKENIZER.encode("a photo of a dog");
    int[] row = TOKENIZER.encodePadded("a photo of a dog", ids.length - 1);

    assertThat(row).containsExactly(ids[0], ids[1], ids[2], ids[3], ids[4], 49407);
  }

  @Test
  void encodePadded_contextBelowTwo_isRejected() {
    assertThatThrownBy(() -> TOKENIZER.encodePadded("a", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("context length 1");
  }

  @Test
  void encode_nullText_isRejected() {
    assertThatThrownBy(() -> TOKENIZER.encode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void decode_simpleText_roundTrips() {
    int[] ids = TOKENIZER.encode("a video of a person doing archery.");
    int[] inner = Arrays.copyOfRange(ids, 1, ids.length - 1);

    assertThat(TOKENIZER.decode(inner)).isEqualTo("a video of a person doing archery . ");
  }

  @Test
  void decode_unicodeText_roundTrips() {
    int[] ids = TOKENIZER.encode("café 北京 🎉");
    int[] inner = Arrays.copyOfRange(ids, 1, ids.length - 1);

    assertThat(TOKENIZER.decode(inner)).isEqualTo("café 北京 🎉 ");
  }

  @Test
  void decode_specialTokens_areSpelledOut() {
    assertThat(TOKENIZER.decode(TOKENIZER.encode("dog")))
        .isEqualTo("<|startoftext|>dog <|endoftext|>");
  }

  @Test
  void decode_partialUtf8Sequence_givesReplacementCharacter() {
    // id 158 is the byte 0xE2 alone (written 'â'): the lead byte of a three-byte sequence
    assertThat(TOKENIZER.decode(new int[] {158})).isEqualTo("\uFFFD");
    assertThat(TOKENIZER.decode(new int[] {158, 320})).isEqualTo("\uFFFDa ");
  }

  @Test
  void decode_idOutsideVocabulary_isRejected() {
    assertThatThrownBy(() -> TOKENIZER.decode(new int[] {49408}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("49408");
  }

  @Test
  void standard_isShared() {
    assertThat(ClipTokenizer.standard()).isSameAs(TOKENIZER);
  }

  @Test
  void encode_fromManyThreads_givesTheSameIds() throws Exception {
    List<TokenizerFixtures.TextIds> cases = openAiFixture();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () ->
                    IntStream.range(0, 5)
                        .allMatch(
                            round ->
                                cases.stream()
                                    .allMatch(
                                        c -> Arrays.equals(TOKENIZER.encode(c.text()), c.ids())))));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
