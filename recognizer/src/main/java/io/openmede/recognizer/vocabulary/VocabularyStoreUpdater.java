package io.openmede.recognizer.vocabulary;

import io.openmede.schemas.avro.VocabularyEntry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The global vocabulary store's processor: puts entries, deletes on tombstones, and reports each
 * change to the {@link VocabularyBook}. Runs on the global stream thread.
 */
public final class VocabularyStoreUpdater
    implements Processor<String, VocabularyEntry, Void, Void> {

  private final String storeName;
  private final VocabularyBook book;
  private KeyValueStore<String, VocabularyEntry> store;

  public VocabularyStoreUpdater(String storeName, VocabularyBook book) {
    this.storeName = storeName;
    this.book = book;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(org.apache.kafka.streams.processor.api.Record<String, VocabularyEntry> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      store.delete(r.key());
    } else {
      store.put(r.key(), r.value());
    }
    book.changed();
  }
}
