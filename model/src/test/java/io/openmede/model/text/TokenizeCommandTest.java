package io.openmede.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.model.cli.TokenizeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code tokenize} command, run through picocli as the launcher runs it. */
class TokenizeCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = new CommandLine(new TokenizeCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void tokenize_fixtureTexts_printTheFixtureLines() {
    List<TokenizerFixtures.TextIds> fixture = TokenizerFixtures.textIds("tokens.jsonl");
    String[] texts = fixture.stream().map(TokenizerFixtures.TextIds::text).toArray(String[]::new);

    int exit = run(texts);

    assertThat(exit).isZero();
    assertThat(out.toString().lines())
        .containsExactlyElementsOf(TokenizerFixtures.rawLines("tokens.jsonl"));
  }

  @Test
  void tokenize_oneText_printsPythonStyleJsonLine() {
    int exit = run("a photo of a dog");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "{\"text\": \"a photo of a dog\", \"ids\": [49406, 320, 1125, 539, 320, 1929, 49407]}"
                + System.lineSeparator());
  }

  @Test
  void tokenize_specialCharacters_areEscapedAsJson() {
    int exit = run("say \"hi\"\\ \n\tcafé");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .startsWith("{\"text\": \"say \\\"hi\\\"\\\\ \\n\\tcafé\", \"ids\": [49406, ");
  }

  @Test
  void tokenize_noText_exitsWithUsageError() {
    int exit = run();

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("TEXT");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void tokenize_loneSurrogate_exitsWithTwoAndSaysWhy() {
    int exit = run("ok", "bad \uD800");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("text 2 is not valid Unicode");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void tokenize_help_printsUsage() {
    int exit = run("--help");

    assertThat(exit).isZero();
    assertThat(out.toString()).contains("Usage: tokenize").contains("TEXT");
  }
}
