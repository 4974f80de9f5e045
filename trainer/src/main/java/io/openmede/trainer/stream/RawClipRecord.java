package io.openmede.trainer.stream;

/**
 * One record of the labeled-clips topic as read, before decoding.
 *
 * @param topic source topic
 * @param partition partition
 * @param offset offset in the partition
 * @param key key bytes, may be null
 * @param value value bytes, may be null
 */
public record RawClipRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}
