package io.openmede.schemas.topic;

/**
 * Where a service's readers outside the stream threads' own handlers (a global store, a follower
 * thread) send a record they refuse, so that it reaches the dead-letter topic with its place and
 * reason like any refused record. Never throws: a refusal that cannot be sent is logged, and
 * reading goes on.
 */
public interface RefusedRecords {

  /** Drops refusals (tests that do not look at dead letters). */
  RefusedRecords NONE = (topic, partition, offset, key, value, reason, why) -> {};

  /**
   * Reports one refused record.
   *
   * @param topic the topic it was read from
   * @param partition its partition
   * @param offset its offset
   * @param key its key bytes, or null
   * @param value its value bytes, or null
   * @param reason a short reason label (as in the metric)
   * @param why the reason in words
   */
  void refuse(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String reason,
      String why);

  /**
   * Blocks until every refusal reported so far was sent (or failed and was logged): a reader calls
   * it before it commits the offsets of refused records, so that a crash cannot lose them. Nothing
   * to do by default.
   */
  default void flush() {}
}
