package io.openmede.model.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's vocabulary and merge ranks, built from the gzipped merges file exactly as OpenAI's {@code
 * SimpleTokenizer.__init__} does.
 *
 * <p>Vocabulary order: the 256 byte characters, the same with {@code </w>} appended, one entry per
 * merge (the two halves joined), then {@code <|startoftext|>} and {@code <|endoftext|>}. Only the
 * first {@value #MERGE_COUNT} merges after the header line are used ({@code
 * merges[1:49152-256-2+1]} in OpenAI's code), which gives {@value #VOCAB_SIZE} entries.
 *
 * <p>Immutable and thread-safe once built.
 */
final class BpeVocabulary {

  static final int MERGE_COUNT = 49152 - 256 - 2;
  static final int VOCAB_SIZE = 2 * 256 + MERGE_COUNT + 2;
  static final String START_OF_TEXT = "<|startoftext|>";
  static final String END_OF_TEXT = "<|endoftext|>";
  static final String END_OF_WORD = "</w>";

  private final Map<String, Integer> idBySymbol;
  private final String[] symbolById;
  private final Map<String, Integer> rankByPair;

  private BpeVocabulary(List<String[]> merges) {
    symbolById = new String[VOCAB_SIZE];
    int id = 0;
    for (int i = 0; i < 256; i++) {
      symbolById[id++] = ByteLevelAlphabet.symbol(i);
    }
    for (int i = 0; i < 256; i++) {
      symbolById[id++] = ByteLevelAlphabet.symbol(i) + END_OF_WORD;
    }
    rankByPair = new HashMap<>(MERGE_COUNT * 2);
    for (int rank = 0; rank < merges.size(); rank++) {
      String[] merge = merges.get(rank);
      symbolById[id++] = merge[0] + merge[1];
      rankByPair.put(pairKey(merge[0], merge[1]), rank);
    }
    symbolById[id++] = START_OF_TEXT;
    symbolById[id] = END_OF_TEXT;
    idBySymbol = new HashMap<>(VOCAB_SIZE * 2);
    for (int i = 0; i < symbolById.length; i++) {
      // OpenAI builds a dict from the list, so a repeated symbol keeps its last id.
      idBySymbol.put(symbolById[i], i);
    }
  }

  /**
   * Reads a gzipped merges file ({@code bpe_simple_vocab_16e6.txt.gz}): a header line, then one
   * merge per line, the two symbols separated by a space.
   *
   * @throws UncheckedIOException if the stream cannot be read or holds fewer than {@value
   *     #MERGE_COUNT} merges
   */
  static BpeVocabulary readGzippedMerges(InputStream gzipped) {
    List<String[]> merges = new ArrayList<>(MERGE_COUNT);
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(new GZIPInputStream(gzipped), StandardCharsets.UTF_8))) {
      reader.readLine(); // header: "#version: 0.2"
      String line;
      while (merges.size() < MERGE_COUNT && (line = reader.readLine()) != null) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 2) {
          throw new IOException(
              "merge line " + (merges.size() + 2) + " should hold two symbols: '" + line + "'");
        }
        merges.add(parts);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CLIP BPE merges file: " + e.getMessage(), e);
    }
    if (merges.size() < MERGE_COUNT) {
      throw new UncheckedIOException(
          new IOException(
              "the CLIP BPE merges file holds "
                  + merges.size()
                  + " merges, expected at least "
                  + MERGE_COUNT
                  + ": use OpenAI's bpe_simple_vocab_16e6.txt.gz"));
    }
    return new BpeVocabulary(merges);
  }

  static String pairKey(String first, String second) {
    return first + ' ' + second;
  }

  /** Merge rank of the adjacent pair, lower merges first; {@code Integer.MAX_VALUE} if none. */
  int rank(String first, String second) {
    Integer rank = rankByPair.get(pairKey(first, second));
    return rank == null ? Integer.MAX_VALUE : rank;
  }

  /**
   * Id of a vocabulary symbol.
   *
   * @throws IllegalStateException if the symbol is not in the vocabulary (cannot happen for BPE
   *     output)
   */
  int id(String symbol) {
    Integer id = idBySymbol.get(symbol);
    if (id == null) {
      throw new IllegalStateException("symbol '" + symbol + "' is not in the CLIP vocabulary");
    }
    return id;
  }

  /**
   * Symbol of a vocabulary id.
   *
   * @throws IllegalArgumentException if {@code id} is outside {@code [0, VOCAB_SIZE)}
   */
  String symbol(int id) {
    if (id < 0 || id >= symbolById.length) {
      throw new IllegalArgumentException(
          "token id " + id + " is outside the CLIP vocabulary [0, " + symbolById.length + ")");
    }
    return symbolById[id];
  }
}
