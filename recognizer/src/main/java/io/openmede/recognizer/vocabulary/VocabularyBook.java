package io.openmede.recognizer.vocabulary;

import io.openmede.schemas.avro.VocabularyEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Counts the vocabulary changes applied to this instance's global vocabulary store and hands out
 * snapshots of it. The global store's thread reports changes with {@link #changed()}; stream
 * threads call {@link #snapshot} once per micro-batch, which re-reads the store only after a
 * change. So a change is used by every batch scored after it reached the instance.
 *
 * <p>Thread-safe; one per topology instance.
 */
public final class VocabularyBook {

  private final AtomicLong changes = new AtomicLong();
  private final AtomicReference<VocabularySnapshot> last = new AtomicReference<>();

  /** Called by the global store's processor after each applied change. */
  public void changed() {
    changes.incrementAndGet();
  }

  /** The number of changes applied so far. */
  public long version() {
    return changes.get();
  }

  /** The current enabled vocabulary, re-read from {@code store} only when it changed. */
  public VocabularySnapshot snapshot(ReadOnlyKeyValueStore<String, VocabularyEntry> store) {
    long version = changes.get();
    VocabularySnapshot cached = last.get();
    if (cached != null && cached.version() == version) {
      return cached;
    }
    List<VocabularyClass> classes = new ArrayList<>();
    try (KeyValueIterator<String, VocabularyEntry> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, VocabularyEntry> kv = it.next();
        VocabularyEntry e = kv.value;
        if (e != null && e.getEnabled()) {
          classes.add(new VocabularyClass(e.getLabel(), e.getPrompts()));
        }
      }
    }
    classes.sort((a, b) -> a.label().compareTo(b.label()));
    VocabularySnapshot fresh = new VocabularySnapshot(version, classes);
    last.set(fresh);
    return fresh;
  }
}
