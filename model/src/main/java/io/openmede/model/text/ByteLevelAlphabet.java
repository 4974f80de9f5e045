package io.openmede.model.text;

import java.util.Arrays;

/**
 * GPT-2/CLIP's reversible map from the 256 byte values to 256 printable characters ({@code
 * bytes_to_unicode} in OpenAI's {@code simple_tokenizer.py}).
 *
 * <p>Printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ}) map to themselves; the
 * other 68 bytes map, in increasing byte order, to U+0100, U+0101, and so on. The vocabulary lists
 * the characters in that same order (the printable bytes first), so {@link #symbol(int)} with an
 * index below 256 is also the token of vocabulary id {@code index}.
 *
 * <p>Immutable and thread-safe.
 */
final class ByteLevelAlphabet {

  /** Byte value at each position of OpenAI's ordering. */
  private static final int[] BYTE_AT_POSITION = new int[256];

  /** Character that stands for each byte value. */
  private static final char[] CHAR_FOR_BYTE = new char[256];

  /** Byte value for each character below U+0200 that stands for a byte; -1 elsewhere. */
  private static final int[] BYTE_FOR_CHAR = new int[0x200];

  static {
    boolean[] printable = new boolean[256];
    int position = 0;
    for (int b = 0; b < 256; b++) {
      if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
        printable[b] = true;
        BYTE_AT_POSITION[position++] = b;
        CHAR_FOR_BYTE[b] = (char) b;
      }
    }
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      if (!printable[b]) {
        BYTE_AT_POSITION[position++] = b;
        CHAR_FOR_BYTE[b] = (char) (256 + shifted++);
      }
    }
    Arrays.fill(BYTE_FOR_CHAR, -1);
    for (int b = 0; b < 256; b++) {
      BYTE_FOR_CHAR[CHAR_FOR_BYTE[b]] = b;
    }
  }

  private ByteLevelAlphabet() {}

  /** The character standing for byte value {@code unsignedByte} (0..255). */
  static char charFor(int unsignedByte) {
    return CHAR_FOR_BYTE[unsignedByte];
  }

  /**
   * The byte value that character {@code c} stands for.
   *
   * @throws IllegalArgumentException if {@code c} is not one of the 256 byte characters
   */
  static int byteFor(char c) {
    int b = c < BYTE_FOR_CHAR.length ? BYTE_FOR_CHAR[c] : -1;
    if (b < 0) {
      throw new IllegalArgumentException(
          String.format("U+%04X is not a byte-level BPE character", (int) c));
    }
    return b;
  }

  /** The one-character symbol at {@code position} (0..255) of OpenAI's vocabulary ordering. */
  static String symbol(int position) {
    return String.valueOf(CHAR_FOR_BYTE[BYTE_AT_POSITION[position]]);
  }

  /** The UTF-8 bytes of {@code text}, each replaced by its character. */
  static String encodeUtf8(String text) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = CHAR_FOR_BYTE[bytes[i] & 0xFF];
    }
    return new String(chars);
  }
}
