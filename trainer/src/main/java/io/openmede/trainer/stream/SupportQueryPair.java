package io.openmede.trainer.stream;

import java.util.List;

/**
 * One task of clips: a support batch and the query batch right after it in the stream.
 *
 * @param support the first B clips
 * @param query the next B clips
 * @param <C> clip type
 */
public record SupportQueryPair<C>(List<C> support, List<C> query) {

  /** Copies the lists. */
  public SupportQueryPair {
    support = List.copyOf(support);
    query = List.copyOf(query);
  }
}
