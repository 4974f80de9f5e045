package io.openmede.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The image tower for inference, compiled by libtorch from the project's own TorchScript program
 * ({@code script/vision_tower.py}, the same computation as {@code ClipForward.images}, tested
 * against it). It exists for two reasons: libtorch runs it in bfloat16, a type DJL 0.36's Java API
 * cannot hold (creating or casting a {@code BFLOAT16} array aborts the JVM in DJL's JNI type
 * mapping), and one call runs the whole tower natively, with PyTorch's fused attention kernel
 * ({@code scaled_dot_product_attention}) instead of an op-by-op walk that writes every score matrix
 * out.
 *
 * <p>The program is kept as text in TorchScript's serialized-code dialect (the form {@code
 * torch.jit.save} writes under {@code code/}; it is not Python and nothing here runs Python). It is
 * packed into a TorchScript archive in memory ({@code data.pkl} holds a module object with no state
 * but {@code training}) and compiled when loaded. Weights are not in the archive: they are passed
 * as one {@code List[Tensor]} in the order of {@link #weightNames}, either the model's own float32
 * arrays (no copy, so in-place parameter updates are seen) or a bfloat16 copy the program makes.
 *
 * <p>Lifecycle: {@link #compile} in the model's manager, {@link #close} with the model.
 * Thread-safety: {@link #run} may be called from several threads at once (libtorch's module forward
 * is re-entrant); weight lists are immutable once made.
 */
final class VisionTowerScript implements AutoCloseable {

  private static final String RESOURCE = "script/vision_tower.py";
  private static final String MODULE = "__torch__.openmede";
  private static final String CLASS = "VisionTower";

  /** libtorch's {@code ScalarType} code of bfloat16. */
  private static final long SCALAR_BFLOAT16 = 15;

  private static final List<String> BLOCK_WEIGHTS =
      List.of(
          "ln_1.weight",
          "ln_1.bias",
          "attn.in_proj_weight",
          "attn.in_proj_bias",
          "attn.out_proj.weight",
          "attn.out_proj.bias",
          "ln_2.weight",
          "ln_2.bias",
          "mlp.c_fc.weight",
          "mlp.c_fc.bias",
          "mlp.c_proj.weight",
          "mlp.c_proj.bias");

  private final PtSymbolBlock module;

  private VisionTowerScript(PtSymbolBlock module) {
    this.module = module;
  }

  /** Compiles the program in {@code manager} (its device is where the program runs). */
  static VisionTowerScript compile(NDManager manager) {
    byte[] archive = archive(source());
    try (InputStream in = new ByteArrayInputStream(archive)) {
      return new VisionTowerScript(JniUtils.loadModule((PtNDManager) manager, in, true, false));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the vision tower program", e);
    }
  }

  /**
   * The weight names in the order the program takes them: patch embedding, class and positional
   * embedding, {@code ln_pre}, 12 per block (the block's layer norms, attention and MLP), {@code
   * ln_post}, {@code proj}.
   */
  static List<String> weightNames(ClipConfig cfg) {
    List<String> names = new ArrayList<>();
    names.add("visual.conv1.weight");
    names.add("visual.class_embedding");
    names.add("visual.positional_embedding");
    names.add("visual.ln_pre.weight");
    names.add("visual.ln_pre.bias");
    for (int i = 0; i < cfg.visionLayers(); i++) {
      for (String w : BLOCK_WEIGHTS) {
        names.add("visual.transformer.resblocks." + i + "." + w);
      }
    }
    names.add("visual.ln_post.weight");
    names.add("visual.ln_post.bias");
    names.add("visual.proj");
    return names;
  }

  /**
   * The image tower's weights as the program takes them, in {@code dtype}: for {@link
   * InferenceDtype#F32} the given arrays themselves (shared, not copied), for {@link
   * InferenceDtype#BF16} a contiguous bfloat16 copy made by the program (DJL never sees it). Close
   * the result.
   */
  IValue weights(ClipConfig cfg, Map<String, NDArray> arrays, InferenceDtype dtype) {
    List<String> names = weightNames(cfg);
    PtNDArray[] list = new PtNDArray[names.size()];
    for (int i = 0; i < list.length; i++) {
      NDArray a = arrays.get(names.get(i));
      if (a == null) {
        throw new IllegalStateException("missing weight " + names.get(i));
      }
      list[i] = (PtNDArray) a;
    }
    IValue own = IValue.listFrom(list);
    if (dtype == InferenceDtype.F32) {
      return own;
    }
    try (own;
        IValue code = IValue.from(SCALAR_BFLOAT16)) {
      return IValueUtils.runMethod(module, "cast", own, code);
    }
  }

  /**
   * Runs the tower: {@code pixels [B*T, 3, R, R]} (float, normalised) to projected, not normalised
   * features {@code [B*T, E]} as float32 in {@code step}.
   *
   * @param weights from {@link #weights}
   * @param temporal whether frame t's queries also see the keys and values of frames t-1 and t+1
   * @param fused whether attention runs as PyTorch's fused kernel ({@code
   *     scaled_dot_product_attention}) or as two batched products around a softmax: the same
   *     function; on a CPU the fused kernel is the faster in float32 and the slower in bfloat16
   *     (ViT-B/16, T = 8: 1.8 against 2.05 s in float32, 1.0-1.1 against 0.94-0.97 s in bfloat16)
   */
  NDArray run(
      NDManager step,
      NDArray pixels,
      IValue weights,
      int batch,
      int frames,
      int heads,
      boolean temporal,
      boolean fused) {
    try (IValue x = IValue.from((PtNDArray) pixels);
        IValue b = IValue.from((long) batch);
        IValue t = IValue.from((long) frames);
        IValue h = IValue.from((long) heads);
        IValue temp = IValue.from(temporal);
        IValue f = IValue.from(fused);
        IValue out = module.forward(x, weights, b, t, h, temp, f)) {
      return out.toTensor((PtNDManager) step);
    }
  }

  @Override
  public void close() {
    module.close();
  }

  private static String source() {
    try (InputStream in = VisionTowerScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + RESOURCE + " is missing from the model module's jar: rebuild it");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A TorchScript archive holding one module of class {@code __torch__.openmede.VisionTower} whose
   * only state is {@code training = False}, with {@code code} as its source.
   */
  static byte[] archive(String code) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      String root = "vision_tower/";
      stored(zip, root + "data.pkl", modulePickle());
      stored(zip, root + "code/__torch__/openmede.py", code.getBytes(StandardCharsets.UTF_8));
      // protocol 2, an empty tuple: the program has no tensor constants
      stored(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      stored(zip, root + "version", "4\n".getBytes(StandardCharsets.US_ASCII));
      stored(zip, root + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Pickle protocol 2 of {@code __torch__.openmede.VisionTower()} with the state {@code
   * {'training': False}}: GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BINUNICODE, NEWFALSE, SETITEM,
   * BUILD, STOP.
   */
  private static byte[] modulePickle() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0x80);
    o.write(2);
    o.writeBytes(("c" + MODULE + "\n" + CLASS + "\n").getBytes(StandardCharsets.US_ASCII));
    o.write(')');
    o.write(0x81);
    o.write('}');
    byte[] key = "training".getBytes(StandardCharsets.UTF_8);
    o.write('X');
    o.write(key.length);
    o.write(0);
    o.write(0);
    o.write(0);
    o.writeBytes(key);
    o.write(0x89);
    o.write('s');
    o.write('b');
    o.write('.');
    return o.toByteArray();
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }
}
