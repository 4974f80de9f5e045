package io.openmede.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openmede.model.weights.Safetensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CLIP checkpoints (safetensors in OpenAI or Hugging Face naming, TorchScript archives) into
 * float arrays under OpenAI's names, and infers the architecture from their shapes as OpenAI's
 * {@code build_model} does.
 */
final class CheckpointReader {

  /** Weights under OpenAI names, their shapes, and whatever metadata came with the file. */
  record Checkpoint(
      LinkedHashMap<String, float[]> values,
      LinkedHashMap<String, long[]> shapes,
      Map<String, String> metadata) {}

  private static final Pattern HF_LAYER =
      Pattern.compile("(vision|text)_model\\.encoder\\.layers\\.(\\d+)\\.(.+)");

  private CheckpointReader() {}

  static Checkpoint read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("weights file " + file + " does not exist or is not a file");
    }
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, 4);
      if (n == 4 && head[0] == 'P' && head[1] == 'K') {
        return readTorchScript(file);
      }
    }
    return readSafetensors(file);
  }

  private static Checkpoint readSafetensors(Path file) throws IOException {
    LinkedHashMap<String, float[]> values = new LinkedHashMap<>();
    LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
    Map<String, String> meta;
    try (Safetensors.Reader r = Safetensors.open(file)) {
      meta = new LinkedHashMap<>(r.metadata());
      for (Map.Entry<String, Safetensors.Entry> e : r.entries().entrySet()) {
        String dtype = e.getValue().dtype();
        if (!dtype.startsWith("F") && !dtype.equals("BF16")) {
          continue; // integer buffers such as HF's position_ids
        }
        values.put(e.getKey(), r.floats(e.getKey()));
        shapes.put(e.getKey(), e.getValue().shape());
      }
    }
    return toOpenAiNames(new Checkpoint(values, shapes, meta), file);
  }

  private static Checkpoint readTorchScript(Path file) throws IOException {
    LinkedHashMap<String, float[]> values = new LinkedHashMap<>();
    LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();
    try (Model model = Model.newInstance("clip-import", Device.cpu(), "PyTorch")) {
      model.load(file);
      for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
        NDArray a = p.getValue().getArray();
        DataType t = a.getDataType();
        if (!t.isFloating()) {
          continue;
        }
        NDArray f = t == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, true);
        values.put(p.getKey(), f.toFloatArray());
        shapes.put(p.getKey(), a.getShape().getShape());
        if (f != a) {
          f.close();
        }
      }
    } catch (MalformedModelException | RuntimeException e) {
      throw new IOException(
          file + " could not be read as a TorchScript archive (" + e.getMessage() + ")", e);
    }
    return toOpenAiNames(new Checkpoint(values, shapes, new LinkedHashMap<>()), file);
  }

  /** Renames Hugging Face keys to OpenAI's and fuses q/k/v; OpenAI checkpoints pass through. */
  private static Checkpoint toOpenAiNames(Checkpoint c, Path file) throws IOException {
    LinkedHashMap<String, float[]> v = new LinkedHashMap<>();
    LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : c.values().entrySet()) {
      String k = e.getKey();
      if (k.startsWith("module.")) {
        k = k.substring("module.".length());
      }
      v.put(k, e.getValue());
      s.put(k, c.shapes().get(e.getKey()));
    }
    boolean hf = v.keySet().stream().anyMatch(k -> k.startsWith("vision_model."));
    if (!hf) {
      if (!v.containsKey("visual.conv1.weight")) {
        throw new IOException(
            file
                + " is not a CLIP ViT checkpoint: no visual.conv1.weight (OpenAI naming) or"
                + " vision_model.* (Hugging Face naming) tensors");
      }
      return new Checkpoint(v, s, c.metadata());
    }
    LinkedHashMap<String, float[]> ov = new LinkedHashMap<>();
    LinkedHashMap<String, long[]> os = new LinkedHashMap<>();
    Map<String, Map<String, float[]>> qkv = new LinkedHashMap<>();
    Map<String, long[]> qkvShape = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : v.entrySet()) {
      String k = e.getKey();
      float[] data = e.getValue();
      long[] shape = s.get(k);
      Matcher m = HF_LAYER.matcher(k);
      String name;
      if (m.matches()) {
        String prefix =
            (m.group(1).equals("vision") ? "visual.transformer" : "transformer")
                + ".resblocks."
                + m.group(2)
                + ".";
        String rest = m.group(3);
        Matcher proj = Pattern.compile("self_attn\\.([qkv])_proj\\.(weight|bias)").matcher(rest);
        if (proj.matches()) {
          String key = prefix + "attn.in_proj_" + proj.group(2);
          qkv.computeIfAbsent(key, x -> new LinkedHashMap<>()).put(proj.group(1), data);
          qkvShape.put(key, shape);
          if (!ov.containsKey(key)) {
            ov.put(key, null); // keeps the position in the order
            os.put(key, null);
          }
          continue;
        }
        name =
            prefix
                + rest.replace("self_attn.out_proj", "attn.out_proj")
                    .replace("layer_norm1", "ln_1")
                    .replace("layer_norm2", "ln_2")
                    .replace("mlp.fc1", "mlp.c_fc")
                    .replace("mlp.fc2", "mlp.c_proj");
      } else {
        switch (k) {
          case "vision_model.embeddings.patch_embedding.weight" -> name = "visual.conv1.weight";
          case "vision_model.embeddings.class_embedding" -> name = "visual.class_embedding";
          case "vision_model.embeddings.position_embedding.weight" ->
              name = "visual.positional_embedding";
          case "vision_model.pre_layrnorm.weight" -> name = "visual.ln_pre.weight";
          case "vision_model.pre_layrnorm.bias" -> name = "visual.ln_pre.bias";
          case "vision_model.post_layernorm.weight" -> name = "visual.ln_post.weight";
          case "vision_model.post_layernorm.bias" -> name = "visual.ln_post.bias";
          case "text_model.embeddings.token_embedding.weight" -> name = "token_embedding.weight";
          case "text_model.embeddings.position_embedding.weight" -> name = "positional_embedding";
          case "text_model.final_layer_norm.weight" -> name = "ln_final.weight";
          case "text_model.final_layer_norm.bias" -> name = "ln_final.bias";
          case "logit_scale" -> name = "logit_scale";
          case "visual_projection.weight", "text_projection.weight" -> {
            // HF stores Linear weights [embed, width]; OpenAI multiplies by [width, embed]
            name = k.startsWith("visual") ? "visual.proj" : "text_projection";
            data = transpose(data, (int) shape[0], (int) shape[1]);
            shape = new long[] {shape[1], shape[0]};
          }
          default -> {
            continue; // position_ids and other buffers
          }
        }
      }
      ov.put(name, data);
      os.put(name, shape);
    }
    for (Map.Entry<String, Map<String, float[]>> e : qkv.entrySet()) {
      Map<String, float[]> parts = e.getValue();
      if (parts.size() != 3) {
        throw new IOException(
            file
                + ": "
                + e.getKey()
                + " is missing q, k or v projections (have "
                + parts.keySet()
                + ")");
      }
      float[] q = parts.get("q");
      float[] fused = new float[3 * q.length];
      System.arraycopy(q, 0, fused, 0, q.length);
      System.arraycopy(parts.get("k"), 0, fused, q.length, q.length);
      System.arraycopy(parts.get("v"), 0, fused, 2 * q.length, q.length);
      long[] one = qkvShape.get(e.getKey());
      long[] shape = one.clone();
      shape[0] *= 3;
      ov.put(e.getKey(), fused);
      os.put(e.getKey(), shape);
    }
    if (!ov.containsKey("logit_scale")) {
      ov.put("logit_scale", new float[] {(float) Math.log(1 / 0.07)});
      os.put("logit_scale", new long[] {1});
    }
    return new Checkpoint(ov, os, c.metadata());
  }

  private static float[] transpose(float[] a, int rows, int cols) {
    float[] t = new float[a.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = a[i * cols + j];
      }
    }
    return t;
  }

  /**
   * The architecture, from shapes as in OpenAI's {@code build_model}. Head counts, which shapes
   * cannot tell, come from {@code transformer_heads} in the metadata, else from a {@code
   * config.json} beside the file, else width / 64.
   */
  static ClipConfig inferConfig(Checkpoint c, Path file) throws IOException {
    Map<String, long[]> s = c.shapes();
    for (String need :
        List.of(
            "visual.conv1.weight",
            "visual.positional_embedding",
            "text_projection",
            "positional_embedding",
            "token_embedding.weight",
            "ln_final.weight")) {
      if (!s.containsKey(need)) {
        throw new IOException(file + " is not a CLIP ViT checkpoint: missing " + need);
      }
    }
    int visionWidth = (int) s.get("visual.conv1.weight")[0];
    int patch = (int) s.get("visual.conv1.weight")[3];
    int visionLayers = countLayers(s.keySet(), "visual.transformer.resblocks.");
    int grid = (int) Math.round(Math.sqrt(s.get("visual.positional_embedding")[0] - 1));
    int embedDim = (int) s.get("text_projection")[1];
    int context = (int) s.get("positional_embedding")[0];
    int vocab = (int) s.get("token_embedding.weight")[0];
    int textWidth = (int) s.get("ln_final.weight")[0];
    int textLayers = countLayers(s.keySet(), "transformer.resblocks.");
    Integer heads = null;
    Integer visionHeads = null;
    Map<String, String> meta = c.metadata();
    if (meta.containsKey("transformer_heads")) {
      heads = Integer.parseInt(meta.get("transformer_heads").trim());
    } else {
      Path parent = file.toAbsolutePath().getParent();
      Path cfgFile = parent == null ? null : parent.resolve("config.json");
      if (cfgFile != null && Files.isRegularFile(cfgFile)) {
        JsonNode j = new ObjectMapper().readTree(cfgFile.toFile());
        if (j.has("transformer_heads")
            && j.path("transformer_width").asInt(textWidth) == textWidth) {
          heads = j.get("transformer_heads").asInt();
        }
        if (j.has("vision_heads") && j.path("vision_width").asInt(visionWidth) == visionWidth) {
          visionHeads = j.get("vision_heads").asInt();
        }
      }
    }
    if (heads == null) {
      heads = Math.max(1, textWidth / 64);
    }
    ClipConfig cfg =
        new ClipConfig(
            embedDim,
            grid * patch,
            visionLayers,
            visionWidth,
            patch,
            context,
            vocab,
            textWidth,
            heads,
            textLayers);
    if (visionHeads != null && visionHeads != cfg.visionHeads()) {
      throw new IOException(
          "config.json beside "
              + file
              + " says vision_heads "
              + visionHeads
              + " but this model only supports vision width / 64 = "
              + cfg.visionHeads());
    }
    return cfg;
  }

  private static int countLayers(Iterable<String> names, String prefix) {
    int max = -1;
    for (String n : names) {
      if (n.startsWith(prefix)) {
        String rest = n.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot > 0) {
          max = Math.max(max, Integer.parseInt(rest.substring(0, dot)));
        }
      }
    }
    return max + 1;
  }

  /** OpenAI's names in {@code state_dict} order for {@code cfg}, with their shapes. */
  static LinkedHashMap<String, long[]> openAiShapes(ClipConfig cfg) {
    LinkedHashMap<String, long[]> s = new LinkedHashMap<>();
    long w = cfg.transformerWidth();
    long vw = cfg.visionWidth();
    long e = cfg.embedDim();
    s.put("positional_embedding", new long[] {cfg.contextLength(), w});
    s.put("text_projection", new long[] {w, e});
    s.put("logit_scale", new long[] {1});
    s.put("visual.class_embedding", new long[] {vw});
    s.put("visual.positional_embedding", new long[] {cfg.visionTokens(), vw});
    s.put("visual.proj", new long[] {vw, e});
    s.put("visual.conv1.weight", new long[] {vw, 3, cfg.visionPatchSize(), cfg.visionPatchSize()});
    s.put("visual.ln_pre.weight", new long[] {vw});
    s.put("visual.ln_pre.bias", new long[] {vw});
    for (int i = 0; i < cfg.visionLayers(); i++) {
      blockShapes(s, "visual.transformer.resblocks." + i, vw);
    }
    s.put("visual.ln_post.weight", new long[] {vw});
    s.put("visual.ln_post.bias", new long[] {vw});
    for (int i = 0; i < cfg.transformerLayers(); i++) {
      blockShapes(s, "transformer.resblocks." + i, w);
    }
    s.put("token_embedding.weight", new long[] {cfg.vocabSize(), w});
    s.put("ln_final.weight", new long[] {w});
    s.put("ln_final.bias", new long[] {w});
    return s;
  }

  private static void blockShapes(Map<String, long[]> s, String p, long d) {
    s.put(p + ".attn.in_proj_weight", new long[] {3 * d, d});
    s.put(p + ".attn.in_proj_bias", new long[] {3 * d});
    s.put(p + ".attn.out_proj.weight", new long[] {d, d});
    s.put(p + ".attn.out_proj.bias", new long[] {d});
    s.put(p + ".ln_1.weight", new long[] {d});
    s.put(p + ".ln_1.bias", new long[] {d});
    s.put(p + ".mlp.c_fc.weight", new long[] {4 * d, d});
    s.put(p + ".mlp.c_fc.bias", new long[] {4 * d});
    s.put(p + ".mlp.c_proj.weight", new long[] {d, 4 * d});
    s.put(p + ".mlp.c_proj.bias", new long[] {d});
    s.put(p + ".ln_2.weight", new long[] {d});
    s.put(p + ".ln_2.bias", new long[] {d});
  }

  /** Checks that every tensor {@code cfg} needs is present with the right shape. */
  static void checkComplete(Checkpoint c, ClipConfig cfg, Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, long[]> e : openAiShapes(cfg).entrySet()) {
      long[] have = c.shapes().get(e.getKey());
      if (have == null) {
        problems.add("missing " + e.getKey());
      } else if (!sameShape(have, e.getValue())) {
        problems.add(
            e.getKey()
                + " has shape "
                + java.util.Arrays.toString(have)
                + ", expected "
                + java.util.Arrays.toString(e.getValue()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IOException(
          file
              + " does not match the inferred architecture "
              + cfg
              + ": "
              + String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
    }
  }

  private static boolean sameShape(long[] a, long[] b) {
    long na = 1;
    long nb = 1;
    for (long x : a) {
      na *= x;
    }
    for (long x : b) {
      nb *= x;
    }
    // logit_scale is [] in OpenAI's state dict but [1] in some exports
    if (na == 1 && nb == 1 && a.length <= 1 && b.length <= 1) {
      return true;
    }
    return java.util.Arrays.equals(a, b);
  }
}
