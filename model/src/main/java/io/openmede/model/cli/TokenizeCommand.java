package io.openmede.model.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openmede.model.text.ClipTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tokenize TEXT...}: prints one JSON line per text, {@code {"text": ..., "ids": [...]}}, the
 * ids of CLIP's tokenizer with start and end tokens, neither padded nor truncated. The layout (a
 * space after {@code :} and {@code ,}, non-ASCII characters as they are) is that of Python's {@code
 * json.dumps(..., ensure_ascii=False)}, so the lines match OpenAI-made reference files.
 *
 * <p>Exit codes: 0 on success, 2 when a text is not valid (for example holds a lone surrogate that
 * came from a broken argument encoding).
 */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenizes texts with CLIP's byte-level BPE tokenizer.",
      "Prints one JSON line per text: {\"text\": ..., \"ids\": [...]} with the start (49406)"
          + " and end (49407) tokens, no padding, no truncation."
    })
public final class TokenizeCommand implements Callable<Integer> {

  static final int EXIT_BAD_INPUT = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ObjectWriter LINE_WRITER = JSON.writer(new PythonStylePrinter());

  @Spec private CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "TEXT",
      description = "Texts to tokenize; quote each text that holds spaces.")
  private List<String> texts;

  /** For picocli. */
  public TokenizeCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (hasLoneSurrogate(text)) {
        err.println(
            "tokenize: text "
                + (i + 1)
                + " is not valid Unicode (it holds a lone surrogate); pass the text as UTF-8");
        err.flush();
        return EXIT_BAD_INPUT;
      }
    }
    ClipTokenizer tokenizer = ClipTokenizer.standard();
    for (String text : texts) {
      ObjectNode line = JSON.createObjectNode();
      line.put("text", text);
      ArrayNode ids = line.putArray("ids");
      for (int id : tokenizer.encode(text)) {
        ids.add(id);
      }
      out.println(LINE_WRITER.writeValueAsString(line));
    }
    out.flush();
    return 0;
  }

  private static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** Python's {@code json.dumps} separators: {@code ", "} and {@code ": "}. */
  private static final class PythonStylePrinter extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
