package io.openmede.recognizer.vocabulary;

import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClassTextEncoder;
import io.openmede.model.ClipModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Class embeddings of the vocabulary, computed once per (entry, text tower) and never per window:
 * {@link #embeddings} encodes only classes it has not seen under that model's text tower (keyed by
 * {@link ClipModel#textTowerHash()}, the weights themselves), and returns the previous result
 * unchanged while neither the vocabulary nor the text tower changed. The trainer keeps the text
 * tower frozen, so a checkpoint swap reuses every class embedding: no text-tower pass at all.
 *
 * <p>Thread-safe. Entries of text towers other than the two most recent are dropped, and so are
 * those of classes that left the vocabulary (counted, {@link #evictedCount}): what is kept is
 * bounded by the vocabulary, not by every label and prompt list the topic ever held.
 */
public final class ClassEmbeddingCache {

  private record Key(String label, List<String> prompts, String textTower) {}

  private record Memo(long vocabularyVersion, String textTower, ClassEmbeddings value) {}

  /** Classes encoded in one go by {@link #prepare} before it pauses. */
  static final int PREPARE_CLASSES_AT_ONCE = 2;

  /** {@link #prepare} pauses this many times as long as each part took. */
  static final int PREPARE_PAUSE_FACTOR = 2;

  private final ClassTextEncoder.Tokenizer tokenizer;
  private final List<String> defaultTemplates;
  private final Map<Key, float[]> vectors = new ConcurrentHashMap<>();
  private final Map<List<String>, ClassTextEncoder> encoders = new ConcurrentHashMap<>();
  private final List<String> recentTowers = new ArrayList<>();
  private final AtomicLong encoded = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private volatile Memo memo;
  private volatile VocabularySnapshot lastVocabulary;

  /**
   * @param tokenizer CLIP's tokenizer
   * @param defaultTemplates templates for entries that name none
   */
  public ClassEmbeddingCache(ClassTextEncoder.Tokenizer tokenizer, List<String> defaultTemplates) {
    this.tokenizer = tokenizer;
    this.defaultTemplates = List.copyOf(defaultTemplates);
  }

  /** How many class embeddings were computed so far (for tests and metrics). */
  public long encodedCount() {
    return encoded.get();
  }

  /**
   * Class embeddings of {@code vocabulary} under {@code model}, in the vocabulary's order.
   *
   * @param modelVersion the model's version, for the log only: the key is its text tower
   */
  public ClassEmbeddings embeddings(
      VocabularySnapshot vocabulary, ClipModel model, String modelVersion) {
    lastVocabulary = vocabulary;
    String tower = model.textTowerHash();
    Memo m = memo;
    if (m != null && m.vocabularyVersion() == vocabulary.version() && m.textTower().equals(tower)) {
      return m.value();
    }
    synchronized (this) {
      encodeMissing(vocabulary.classes(), model, tower);
      List<String> labels = new ArrayList<>();
      float[][] out = new float[vocabulary.classes().size()][];
      int i = 0;
      for (VocabularyClass c : vocabulary.classes()) {
        labels.add(c.label());
        out[i++] = vectors.get(new Key(c.label(), c.prompts(), tower));
      }
      ClassEmbeddings result = new ClassEmbeddings(labels, out);
      memo = new Memo(vocabulary.version(), tower, result);
      forgetOutside(vocabulary);
      return result;
    }
  }

  /** How many class embeddings were dropped because their class left the vocabulary. */
  public long evictedCount() {
    return evicted.get();
  }

  /** How many class embeddings are kept now. */
  public int size() {
    return vectors.size();
  }

  /**
   * Drops the embeddings and encoders of classes (label and prompts) that are not in {@code
   * vocabulary}: a vocabulary topic that others write may name endless labels and prompt lists over
   * time, and only the current ones are ever scored. A class that comes back is encoded again.
   */
  private void forgetOutside(VocabularySnapshot vocabulary) {
    java.util.Set<Key> keep = new java.util.HashSet<>();
    java.util.Set<List<String>> templates = new java.util.HashSet<>();
    templates.add(defaultTemplates);
    for (VocabularyClass c : vocabulary.classes()) {
      for (String tower : recentTowers()) {
        keep.add(new Key(c.label(), c.prompts(), tower));
      }
      templates.add(templatesOf(c));
    }
    int before = vectors.size();
    vectors.keySet().removeIf(k -> !keep.contains(k));
    encoders.keySet().removeIf(t -> !templates.contains(t));
    evicted.addAndGet(Math.max(0, before - vectors.size()));
  }

  private synchronized List<String> recentTowers() {
    return List.copyOf(recentTowers);
  }

  /**
   * Computes the class embeddings of the most recently scored vocabulary under a model about to be
   * swapped in, so that the first batch after the swap finds them cached; with the text tower of a
   * model seen before (the trainer's checkpoints), only its hash is computed. Call off the stream
   * threads (the checkpoint installer does): it encodes a few classes at a time and pauses twice as
   * long as each part took, so that it takes at most about a third of a core from the serving
   * threads (a swap takes a little longer; latency does not spike).
   */
  public void prepare(ClipModel model, String modelVersion) {
    String tower = model.textTowerHash(); // computed here, off the stream threads, once
    VocabularySnapshot v = lastVocabulary;
    if (v == null || v.isEmpty()) {
      return;
    }
    // a few classes at a time, pausing twice as long as each part took: the text tower takes at
    // most about a third of a core away from the threads that keep serving meanwhile
    List<VocabularyClass> classes = v.classes();
    for (int i = 0; i < classes.size(); i += PREPARE_CLASSES_AT_ONCE) {
      long t0 = System.nanoTime();
      if (!encodeMissing(
          classes.subList(i, Math.min(classes.size(), i + PREPARE_CLASSES_AT_ONCE)),
          model,
          tower)) {
        continue; // nothing computed: no pause
      }
      long took = System.nanoTime() - t0;
      try {
        long pause = PREPARE_PAUSE_FACTOR * took;
        Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // the first batch under the new model encodes what is missing
      }
    }
  }

  /** Encodes the classes not cached under {@code tower}; true when it encoded any. */
  private boolean encodeMissing(List<VocabularyClass> classes, ClipModel model, String tower) {
    forgetOldTowers(tower);
    Map<List<String>, List<VocabularyClass>> missingByTemplates = new LinkedHashMap<>();
    for (VocabularyClass c : classes) {
      if (!vectors.containsKey(new Key(c.label(), c.prompts(), tower))) {
        missingByTemplates.computeIfAbsent(templatesOf(c), t -> new ArrayList<>()).add(c);
      }
    }
    for (Map.Entry<List<String>, List<VocabularyClass>> e : missingByTemplates.entrySet()) {
      ClassTextEncoder encoder =
          encoders.computeIfAbsent(e.getKey(), t -> new ClassTextEncoder(tokenizer, t));
      List<VocabularyClass> missing = e.getValue();
      ClassEmbeddings fresh =
          encoder.encode(model, missing.stream().map(VocabularyClass::label).toList());
      for (int i = 0; i < missing.size(); i++) {
        VocabularyClass c = missing.get(i);
        vectors.put(new Key(c.label(), c.prompts(), tower), fresh.vectors()[i]);
      }
      encoded.addAndGet(missing.size());
    }
    return !missingByTemplates.isEmpty();
  }

  private List<String> templatesOf(VocabularyClass c) {
    return c.prompts().isEmpty() ? defaultTemplates : c.prompts();
  }

  private synchronized void forgetOldTowers(String tower) {
    if (recentTowers.contains(tower)) {
      return;
    }
    recentTowers.add(tower);
    while (recentTowers.size() > 2) {
      String old = recentTowers.remove(0);
      vectors.keySet().removeIf(k -> k.textTower().equals(old));
    }
  }
}
