package io.openmede.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the JSON-lines fixtures under {@code src/test/resources/tokenizer}. */
final class TokenizerFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerFixtures() {}

  /** One text and the ids a reference tokenizer gave it. */
  record TextIds(int line, String text, int[] ids) {
    @Override
    public String toString() {
      return "line " + line + ": " + text;
    }
  }

  static List<JsonNode> lines(String resource) {
    List<JsonNode> nodes = new ArrayList<>();
    try {
      for (String line : rawLines(resource)) {
        nodes.add(JSON.readTree(line));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return nodes;
  }

  /** The non-blank lines of a fixture, as written. */
  static List<String> rawLines(String resource) {
    List<String> lines = new ArrayList<>();
    try (InputStream in = TokenizerFixtures.class.getResourceAsStream("/tokenizer/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource tokenizer/" + resource + " is missing");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  static List<TextIds> textIds(String resource) {
    List<TextIds> cases = new ArrayList<>();
    List<JsonNode> nodes = lines(resource);
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode node = nodes.get(i);
      int[] ids = new int[node.get("ids").size()];
      for (int j = 0; j < ids.length; j++) {
        ids[j] = node.get("ids").get(j).asInt();
      }
      cases.add(new TextIds(i + 1, node.get("text").asText(), ids));
    }
    return cases;
  }
}
