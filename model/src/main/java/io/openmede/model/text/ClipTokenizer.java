package io.openmede.model.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer, giving the same ids as OpenAI's {@code clip/simple_tokenizer.py}
 * with the merges file {@code bpe_simple_vocab_16e6.txt.gz} (bundled, MIT licence, see {@code
 * LICENSE-CLIP} and {@code NOTICE} next to this class).
 *
 * <p>Encoding: the text is cleaned (ftfy repair as far as {@link UnicodeRepair} reproduces it, HTML
 * unescaping twice, white space collapsed and stripped, lower case), split with CLIP's pattern
 * (special tokens, contractions, runs of letters, single digits, runs of other non-space
 * characters), each piece's UTF-8 bytes are mapped to byte characters and merged by BPE rank. The
 * one known difference from OpenAI: ftfy's mojibake repair ({@code cafÃ©} to {@code café}) is not
 * reproduced.
 *
 * <p>Thread-safe: instances are immutable apart from a bounded, concurrent cache of BPE results.
 */
public final class ClipTokenizer {

  /** CLIP's text context length, including the start and end tokens. */
  public static final int CONTEXT_LENGTH = 77;

  static final String MERGES_RESOURCE = "bpe_simple_vocab_16e6.txt.gz";

  private static final Pattern PIECE =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
              + "|[\\p{L}]+|[\\p{N}]|[^\\p{IsWhite_Space}\\p{L}\\p{N}]+",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  /** Bound on cached pieces, so that a stream of unique words cannot grow memory without end. */
  private static final int CACHE_LIMIT = 200_000;

  private final BpeVocabulary vocabulary;
  private final TextCleaner cleaner;
  private final int startToken;
  private final int endToken;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  private ClipTokenizer(BpeVocabulary vocabulary, TextCleaner cleaner) {
    this.vocabulary = vocabulary;
    this.cleaner = cleaner;
    this.startToken = vocabulary.id(BpeVocabulary.START_OF_TEXT);
    this.endToken = vocabulary.id(BpeVocabulary.END_OF_TEXT);
  }

  /**
   * The tokenizer with CLIP's bundled merges; loaded on first use (about half a second), then
   * shared.
   *
   * @throws UncheckedIOException if the bundled merges file cannot be read
   */
  public static ClipTokenizer standard() {
    return Holder.INSTANCE;
  }

  /** Id of {@code <|startoftext|>}: 49406. */
  public int startToken() {
    return startToken;
  }

  /** Id of {@code <|endoftext|>}: 49407, the highest id (the text tower pools there). */
  public int endToken() {
    return endToken;
  }

  /** Number of token ids: 49408. */
  public int vocabSize() {
    return BpeVocabulary.VOCAB_SIZE;
  }

  /**
   * Token ids of {@code text}: start token, the text's tokens, end token; neither padded nor
   * truncated.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public int[] encode(String text) {
    Objects.requireNonNull(text, "text to tokenize is null");
    String cleaned = cleaner.clean(text);
    IntList ids = new IntList(cleaned.length() / 3 + 8);
    ids.add(startToken);
    Matcher m = PIECE.matcher(cleaned);
    while (m.find()) {
      ids.addAll(bpe(ByteLevelAlphabet.encodeUtf8(m.group())));
    }
    ids.add(endToken);
    return ids.toArray();
  }

  /**
   * Token ids of {@code text} in a row of exactly {@code contextLength}: start token, tokens, end
   * token, then zeros. A text too long for the context keeps its first {@code contextLength - 1}
   * ids and ends with the end token, as OpenAI's {@code clip.tokenize(..., truncate=True)}.
   *
   * @param contextLength row length, at least 2 (CLIP uses {@value #CONTEXT_LENGTH})
   * @throws IllegalArgumentException if {@code contextLength} is below 2
   */
  public int[] encodePadded(String text, int contextLength) {
    if (contextLength < 2) {
      throw new IllegalArgumentException(
          "context length "
              + contextLength
              + " cannot hold the start and end tokens: use at least 2 (CLIP uses 77)");
    }
    int[] ids = encode(text);
    int[] row = Arrays.copyOf(ids, contextLength);
    if (ids.length > contextLength) {
      row[contextLength - 1] = endToken;
    }
    return row;
  }

  /**
   * Text of token ids, as OpenAI's {@code decode}: the tokens' bytes as UTF-8 (invalid sequences
   * become U+FFFD), each end-of-word marker a space. Start, end and padding ids are decoded like
   * any other id ({@code <|startoftext|>}, {@code <|endoftext|>}, {@code !}); strip them first to
   * get the text alone.
   *
   * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
   */
  public String decode(int[] ids) {
    StringBuilder symbols = new StringBuilder(ids.length * 4);
    for (int id : ids) {
      symbols.append(vocabulary.symbol(id));
    }
    byte[] bytes = new byte[symbols.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ByteLevelAlphabet.byteFor(symbols.charAt(i));
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString()
          .replace(BpeVocabulary.END_OF_WORD, " ");
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("UTF-8 decoding with replacement cannot fail", e);
    }
  }

  /** Ids of one piece, given as byte characters. */
  private int[] bpe(String piece) {
    if (piece.equals(BpeVocabulary.START_OF_TEXT)) {
      return new int[] {startToken};
    }
    if (piece.equals(BpeVocabulary.END_OF_TEXT)) {
      return new int[] {endToken};
    }
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    int[] ids = merge(piece);
    if (cache.size() < CACHE_LIMIT) {
      cache.put(piece, ids);
    }
    return ids;
  }

  private int[] merge(String piece) {
    List<String> word = new ArrayList<>(piece.length());
    for (int i = 0; i < piece.length() - 1; i++) {
      word.add(String.valueOf(piece.charAt(i)));
    }
    word.add(piece.charAt(piece.length() - 1) + BpeVocabulary.END_OF_WORD);
    while (word.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i + 1 < word.size(); i++) {
        int rank = vocabulary.rank(word.get(i), word.get(i + 1));
        if (rank < bestRank) {
          bestRank = rank;
          first = word.get(i);
          second = word.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> merged = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
          merged.add(first + second);
          i++;
        } else {
          merged.add(word.get(i));
        }
      }
      word = merged;
    }
    int[] ids = new int[word.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocabulary.id(word.get(i));
    }
    return ids;
  }

  /** A growable int array; avoids boxing on the hot path. */
  private static final class IntList {
    private int[] values;
    private int size;

    IntList(int capacity) {
      values = new int[Math.max(capacity, 4)];
    }

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    void addAll(int[] more) {
      if (size + more.length > values.length) {
        values = Arrays.copyOf(values, Math.max(size * 2, size + more.length));
      }
      System.arraycopy(more, 0, values, size, more.length);
      size += more.length;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  private static final class Holder {
    static final ClipTokenizer INSTANCE = load();

    private static ClipTokenizer load() {
      try (InputStream in = ClipTokenizer.class.getResourceAsStream(MERGES_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "resource " + MERGES_RESOURCE + " is missing from io/openmede/model/text");
        }
        return new ClipTokenizer(BpeVocabulary.readGzippedMerges(in), TextCleaner.standard());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the bundled " + MERGES_RESOURCE, e);
      }
    }
  }
}
