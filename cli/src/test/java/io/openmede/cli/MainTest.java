package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void help_listsEverySubcommand() {
    Result r = run("--help");
    assertThat(r.exit()).isZero();
    for (String name : Main.commandLine().getSubcommands().keySet()) {
      assertThat(r.out()).contains(name);
    }
    assertThat(r.out()).contains("demo", "broker", "tokenize", "settings");
  }

  @Test
  void everySubcommand_hasHelp() {
    for (var e : Main.commandLine().getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      Result r = run(e.getKey(), "--help");
      assertThat(r.exit()).as(e.getKey() + " --help").isZero();
      assertThat(r.out()).as(e.getKey() + " --help").contains("Usage: openmede " + e.getKey());
    }
  }

  @Test
  void unknownCommand_exitsWithUsageCode() {
    Result r = run("frobnicate");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("frobnicate");
  }

  @Test
  void settings_badValue_exitsWithUsageCodeAndNamesTheSetting() {
    Result r = run("settings", "--set", "topics.partitions=zero");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("topics.partitions").contains("zero");
  }

  @Test
  void settings_unknownName_exitsWithUsageCode() {
    Result r = run("settings", "--set", "kafka.bootstrap.server=x:1");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("did you mean kafka.bootstrap.servers");
  }
}
