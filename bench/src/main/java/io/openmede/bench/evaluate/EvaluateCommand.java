package io.openmede.bench.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.openmede.ingest.clip.ClipSampling;
import io.openmede.ingest.clip.DatasetEntry;
import io.openmede.ingest.clip.DatasetList;
import io.openmede.model.ClassEmbeddings;
import io.openmede.model.ClipModel;
import io.openmede.model.ComputeDevice;
import io.openmede.model.DefaultWeights;
import io.openmede.model.InferenceDtype;
import io.openmede.schemas.values.LabelMap;
import io.openmede.trainer.eval.LabelSpace;
import io.openmede.trainer.eval.ViewEmbedder;
import io.openmede.trainer.eval.ViewEmbedding;
import io.openmede.trainer.stream.DecodedClip;
import io.openmede.trainer.stream.TextTowerClassEmbeddings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code openmede evaluate}: a checkpoint (and its average beside it) on a real dataset list, by
 * the paper's protocols (DESIGN.md §6): V temporal views × 1 crop per video with the views'
 * probabilities averaged; base-to-novel label spaces, cross-dataset target splits with mean ± std,
 * out-of-context with the in-context label space. Prints one row per video and the summary, and
 * writes a JSON report.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a checkpoint (and its GWA average, side by side) on a dataset list by the paper's"
          + " protocols: V views per video with scores averaged per video, base-only and"
          + " novel-only label spaces, target splits with mean ± std, out-of-context.",
      "Example: openmede evaluate --weights ckpt.safetensors --list test.csv"
          + " --labels ucf101.txt --protocol base-to-novel"
          + " --base-labels ucf_101_base_labels.csv --novel-labels ucf_101_novel_labels.csv"
    })
public final class EvaluateCommand implements Callable<Integer> {

  @Option(
      names = "--weights",
      description = "The checkpoint to evaluate (default: the bundled tiny weights).")
  Path weights;

  @Option(
      names = "--average",
      description = "A second weights file shown beside the first, as its GWA average.")
  Path average;

  @Option(
      names = "--list",
      required = true,
      description = "The dataset list (path,label CSV or 'path label' text).")
  Path list;

  @Option(
      names = "--root",
      description = "Directory the list's paths are relative to (default: the list's directory).")
  Path root;

  @Option(
      names = "--labels",
      description =
          "Class index to name (JSON, id,name CSV, or one name a line); its names are the label"
              + " space of --protocol all and out-of-context (default: the list's labels).")
  Path labels;

  @Option(
      names = "--views",
      defaultValue = "3",
      description = "Temporal views per video, scores averaged (default: ${DEFAULT-VALUE}).")
  int views;

  @Option(
      names = "--sampling",
      defaultValue = "strided:8x16",
      description =
          "Frames of a view: strided:FRAMESxSTRIDE or segments:FRAMES (default: ${DEFAULT-VALUE}).")
  String sampling;

  @Option(
      names = "--protocol",
      defaultValue = "all",
      description =
          "all, base-to-novel (needs --base-labels and --novel-labels), zero-shot (needs --split),"
              + " or out-of-context (optional --in-context-list) (default: ${DEFAULT-VALUE}).")
  String protocol;

  @Option(
      names = "--base-labels",
      description = "Base label set (base-to-novel), a label map file.")
  Path baseLabels;

  @Option(
      names = "--novel-labels",
      description = "Novel label set (base-to-novel), a label map file.")
  Path novelLabels;

  @Option(
      names = "--split",
      description =
          "A target label set (zero-shot), a label map file such as ZS_split1_K600.csv;"
              + " repeat for each split.")
  List<Path> splits = new ArrayList<>();

  @Option(
      names = "--in-context-list",
      description =
          "Out-of-context: the in-context test list, for the HM of in- and out-of-context.")
  Path inContextList;

  @Option(
      names = "--report",
      defaultValue = "evaluation-report.json",
      description = "Where the JSON report goes (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(
      names = "--batch-size",
      defaultValue = "8",
      description = "Views per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "cpu or gpu:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--dtype",
      defaultValue = "f32",
      description = {
        "Number type of the image tower: f32, or bf16 (CPUs with AVX512-BF16 or AMX, GPUs),",
        "to see what recognizer.model.dtype=bf16 does to accuracy (default: ${DEFAULT-VALUE})."
      })
  String dtype;

  @Spec CommandSpec spec;

  private final PrintStream stdout;
  private final PrintStream stderr;

  /** Prints to the standard streams. */
  public EvaluateCommand() {
    this(System.out, System.err);
  }

  /** Prints the tables to {@code stdout}, progress to {@code stderr}. */
  public EvaluateCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() throws IOException {
    Protocol p = parse(() -> Protocol.parse(protocol));
    ClipSampling s = parse(() -> ClipSampling.parse(sampling));
    if (views < 1 || batchSize < 1) {
      throw new ParameterException(spec.commandLine(), "--views and --batch-size must be >= 1");
    }
    ComputeDevice dev = parse(() -> ComputeDevice.parse(device));
    InferenceDtype type = parse(() -> InferenceDtype.parse(dtype));
    type.unsupportedOn(dev)
        .ifPresent(
            why -> {
              throw new ParameterException(spec.commandLine(), "--dtype " + dtype + ": " + why);
            });
    Optional<LabelMap> map = labels == null ? Optional.empty() : Optional.of(LabelMap.load(labels));
    List<DatasetEntry> entries = read(list, map);
    List<DatasetEntry> inContext = List.of();
    if (p == Protocol.OUT_OF_CONTEXT && inContextList != null) {
      inContext = read(inContextList, map);
    } else if (inContextList != null) {
      throw new ParameterException(
          spec.commandLine(), "--in-context-list belongs to --protocol out-of-context");
    }
    ProtocolTables.Spaces spaces = spaces(p, map, entries, inContext);
    Path w = weights != null ? weights : DefaultWeights.extract();
    int resolution = ClipModel.inspect(w).imageResolution();
    DatasetViews.Result decoded = DatasetViews.decode(entries, s, views, resolution, stderr);
    DatasetViews.Result decodedIc =
        inContext.isEmpty()
            ? new DatasetViews.Result(List.of(), List.of(), 0)
            : DatasetViews.decode(inContext, s, views, resolution, stderr);
    if (decoded.views().isEmpty()) {
      stderr.println(
          "error: no video of " + list + " could be read; see the lines above for each reason");
      return 1;
    }
    List<String> allLabels = allLabels(spaces);
    List<ProtocolTables.ModelResult> results = new ArrayList<>();
    Map<String, Path> models = new LinkedHashMap<>();
    models.put("checkpoint", w);
    if (average != null) {
      models.put("average", average);
    }
    for (Map.Entry<String, Path> m : models.entrySet()) {
      try (ClipModel model = ClipModel.load(m.getValue(), dev)) {
        model.setInferenceDtype(type);
        if (model.config().imageResolution() != resolution) {
          throw new ParameterException(
              spec.commandLine(),
              m.getValue()
                  + " takes "
                  + model.config().imageResolution()
                  + "² frames, "
                  + w
                  + " "
                  + resolution
                  + "²: compare models of one size");
        }
        ClassEmbeddings classes = new TextTowerClassEmbeddings(model).embed(allLabels);
        ScoredViews sv = score(m.getKey(), m.getValue(), model, decoded.views(), classes);
        Optional<ScoredViews> ic =
            decodedIc.views().isEmpty()
                ? Optional.empty()
                : Optional.of(score(m.getKey(), m.getValue(), model, decodedIc.views(), classes));
        results.add(ProtocolTables.evaluate(p, sv, ic, spaces));
      }
    }
    stdout.print(ProtocolTables.videoRows(results));
    stdout.print(ProtocolTables.summary(p, results));
    List<String> skipped = new ArrayList<>(decoded.skipped());
    skipped.addAll(decodedIc.skipped());
    if (!skipped.isEmpty()) {
      stdout.printf(
          Locale.ROOT, "%n%d video(s) could not be read and were skipped:%n", skipped.size());
      skipped.forEach(x -> stdout.println("  " + x));
    }
    writeReport(p, s, results, skipped);
    stdout.println();
    stdout.println("wrote " + report);
    return 0;
  }

  private ScoredViews score(
      String name, Path file, ClipModel model, List<DecodedClip> clips, ClassEmbeddings classes) {
    long started = System.nanoTime();
    List<ViewEmbedding> v =
        ViewEmbedder.embed(model::embedVideos, clips, model.config().imageResolution(), batchSize);
    stderr.printf(
        Locale.ROOT,
        "%s: embedded %d views in %.1f s%n",
        name,
        v.size(),
        (System.nanoTime() - started) / 1e9);
    return new ScoredViews(name, file.toString(), v, classes, model.logitScale());
  }

  private List<DatasetEntry> read(Path file, Optional<LabelMap> map) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "dataset list " + file + " is not a file");
    }
    Path dir = root != null ? root : file.toAbsolutePath().getParent();
    DatasetList l = DatasetList.read(file, dir, map);
    l.problems().forEach(x -> stderr.println("skipped: " + x));
    if (l.entries().isEmpty()) {
      throw new ParameterException(spec.commandLine(), file + " lists no usable video");
    }
    return l.entries();
  }

  private ProtocolTables.Spaces spaces(
      Protocol p, Optional<LabelMap> map, List<DatasetEntry> entries, List<DatasetEntry> ic)
      throws IOException {
    List<String> listed = new ArrayList<>();
    entries.forEach(e -> listed.add(e.label()));
    ic.forEach(e -> listed.add(e.label()));
    LabelSpace all =
        map.map(m -> new LabelSpace("all", names(m)))
            .orElseGet(() -> LabelSpace.distinct("all", listed));
    Optional<LabelSpace> base = Optional.empty();
    Optional<LabelSpace> novel = Optional.empty();
    List<LabelSpace> targets = new ArrayList<>();
    if (p == Protocol.BASE_TO_NOVEL) {
      if (baseLabels == null || novelLabels == null) {
        throw new ParameterException(
            spec.commandLine(),
            "--protocol base-to-novel needs --base-labels and --novel-labels (label map files such"
                + " as shared/labels/base2novel/ucf_101_base_labels.csv)");
      }
      base = Optional.of(new LabelSpace("base", names(LabelMap.load(baseLabels))));
      novel = Optional.of(new LabelSpace("novel", names(LabelMap.load(novelLabels))));
    }
    if (p == Protocol.ZERO_SHOT) {
      if (splits.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "--protocol zero-shot needs at least one --split (a label map such as"
                + " shared/labels/k600-zeroshot/ZS_split1_K600.csv)");
      }
      for (Path f : splits) {
        String name = f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        targets.add(new LabelSpace(name, names(LabelMap.load(f))));
      }
    }
    return new ProtocolTables.Spaces(all, base, novel, targets);
  }

  private static List<String> allLabels(ProtocolTables.Spaces spaces) {
    LinkedHashSet<String> l = new LinkedHashSet<>(spaces.all().labels());
    spaces.base().ifPresent(b -> l.addAll(b.labels()));
    spaces.novel().ifPresent(n -> l.addAll(n.labels()));
    spaces.splits().forEach(x -> l.addAll(x.labels()));
    return List.copyOf(l);
  }

  private static List<String> names(LabelMap m) {
    return List.copyOf(new LinkedHashSet<>(m.labels()));
  }

  private void writeReport(
      Protocol p, ClipSampling s, List<ProtocolTables.ModelResult> results, List<String> skipped)
      throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("protocol", p.cliName());
    r.put("list", list.toString());
    r.put("views", views);
    r.put("sampling", s.toString());
    r.put("averaging", "softmax at the logit scale per view, then the mean over a video's views");
    List<Object> models = new ArrayList<>();
    for (ProtocolTables.ModelResult m : results) {
      Map<String, Object> mm = new LinkedHashMap<>();
      mm.put("model", m.model());
      mm.put("weights", m.weights());
      mm.put("summary", m.summary());
      List<Object> sections = new ArrayList<>();
      for (ProtocolTables.Section sec : m.sections()) {
        Map<String, Object> ss = new LinkedHashMap<>();
        ss.put("space", sec.name());
        ss.put("classes", sec.evaluation().classes());
        ss.put("top1", sec.evaluation().top1());
        ss.put("top5", sec.evaluation().top5());
        ss.put("meanClassTop1", sec.evaluation().meanClassTop1());
        ss.put("perClassTop1", sec.evaluation().perClassTop1());
        ss.put("videos", sec.evaluation().videos());
        sections.add(ss);
      }
      mm.put("sections", sections);
      models.add(mm);
    }
    r.put("models", models);
    r.put("skipped", skipped);
    Path parent = report.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), r);
  }

  private <T> T parse(java.util.function.Supplier<T> f) {
    try {
      return f.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Runs the command on its own (the launcher wires it as {@code openmede evaluate}). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new EvaluateCommand()).execute(args));
  }
}
