package io.openmede.trainer.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openmede.model.ComputeDevice;
import io.openmede.model.train.AdamW;
import io.openmede.model.train.ParameterSet;
import io.openmede.trainer.checkpoint.DirectoryCheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Saves and loads the whole trainer state (θ, AdamW moments and step, the running average's
 * accumulator and bookkeeping, counters, consumer offsets) atomically in a directory.
 *
 * <p>Layout: each save goes to a new generation directory {@code gen-NNNNNNNNNNNN} (written in a
 * hidden temporary directory, fsynced, renamed); then the file {@code CURRENT}, naming the
 * generation, is replaced atomically (temporary file, fsync, rename); older generations are then
 * deleted. A crash at any point leaves {@code CURRENT} naming a complete generation. Not
 * thread-safe.
 */
public final class TrainerStateStore {

  private static final String CURRENT = "CURRENT";
  private static final String THETA = "theta.safetensors";
  private static final String ADAMW = "adamw.safetensors";
  private static final String AVERAGE = "average.safetensors";
  private static final String PROGRESS = "progress.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /** A store in {@code dir} (created when absent). */
  public TrainerStateStore(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath();
    Files.createDirectories(this.dir);
  }

  /** The directory. */
  public Path directory() {
    return dir;
  }

  /** Whether a saved state exists. */
  public boolean exists() {
    return Files.isRegularFile(dir.resolve(CURRENT));
  }

  /** Saves a state atomically. */
  public void save(
      ParameterSet theta,
      AdamW adamw,
      Optional<ParameterSet> averageAccumulator,
      TrainerProgress progress)
      throws IOException {
    String gen = String.format("gen-%012d", progress.updates());
    Path tmp = dir.resolve(".tmp-" + gen + "-" + System.nanoTime());
    Files.createDirectories(tmp);
    theta.save(tmp.resolve(THETA));
    adamw.save(tmp.resolve(ADAMW));
    if (averageAccumulator.isPresent()) {
      averageAccumulator.get().save(tmp.resolve(AVERAGE));
    }
    Files.write(tmp.resolve(PROGRESS), JSON.writeValueAsBytes(toJson(progress)));
    try (Stream<Path> files = Files.list(tmp)) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        DirectoryCheckpointStore.hashAndSync(it.next());
      }
    }
    DirectoryCheckpointStore.syncDirectory(tmp);
    Path target = dir.resolve(gen);
    if (Files.exists(target)) {
      deleteRecursively(target);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    Path currentTmp = dir.resolve(CURRENT + ".tmp");
    Files.write(currentTmp, gen.getBytes(StandardCharsets.UTF_8));
    DirectoryCheckpointStore.hashAndSync(currentTmp);
    Files.move(
        currentTmp,
        dir.resolve(CURRENT),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    DirectoryCheckpointStore.syncDirectory(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Iterator<Path> it = old.iterator(); it.hasNext(); ) {
        Path p = it.next();
        String name = p.getFileName().toString();
        if ((name.startsWith("gen-") && !name.equals(gen)) || name.startsWith(".tmp-")) {
          deleteRecursively(p);
        }
      }
    }
  }

  /** Loads the last saved state, its tensors on {@code device}; empty when none was saved. */
  public Optional<TrainerState> load(ComputeDevice device) throws IOException {
    if (!exists()) {
      return Optional.empty();
    }
    String gen = Files.readString(dir.resolve(CURRENT), StandardCharsets.UTF_8).trim();
    Path g = dir.resolve(gen);
    TrainerProgress progress = fromJson(JSON.readTree(g.resolve(PROGRESS).toFile()));
    ParameterSet theta = ParameterSet.load(g.resolve(THETA), device);
    AdamW adamw = AdamW.load(g.resolve(ADAMW), device);
    Optional<ParameterSet> avg =
        Files.isRegularFile(g.resolve(AVERAGE))
            ? Optional.of(ParameterSet.load(g.resolve(AVERAGE), device))
            : Optional.empty();
    return Optional.of(new TrainerState(theta, adamw, avg, progress));
  }

  private static ObjectNode toJson(TrainerProgress p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("updates", p.updates());
    n.put("optimizerSteps", p.optimizerSteps());
    n.put("clips", p.clips());
    ObjectNode offsets = n.putObject("offsets");
    p.offsets().forEach((k, v) -> offsets.put(Integer.toString(k), v));
    n.put("averageWeightSum", p.averageWeightSum());
    n.put("averageSnapshotIndex", p.averageSnapshotIndex());
    n.put("averageCycles", p.averageCycles());
    p.lastCheckpoint().ifPresent(c -> n.put("lastCheckpoint", c));
    p.lastPromoted().ifPresent(c -> n.put("lastPromoted", c));
    return n;
  }

  private static TrainerProgress fromJson(JsonNode n) {
    Map<Integer, Long> offsets = new TreeMap<>();
    JsonNode o = n.get("offsets");
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      offsets.put(Integer.parseInt(k), o.get(k).asLong());
    }
    return new TrainerProgress(
        n.get("updates").asLong(),
        n.get("optimizerSteps").asLong(),
        n.get("clips").asLong(),
        offsets,
        n.get("averageWeightSum").asDouble(),
        n.get("averageSnapshotIndex").asInt(),
        n.get("averageCycles").asLong(),
        n.has("lastCheckpoint") ? Optional.of(n.get("lastCheckpoint").asText()) : Optional.empty(),
        n.has("lastPromoted") ? Optional.of(n.get("lastPromoted").asText()) : Optional.empty());
  }

  private static void deleteRecursively(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.deleteIfExists(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
