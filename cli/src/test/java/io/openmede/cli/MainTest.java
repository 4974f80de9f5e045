package io.openmede.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.platform.signing.KeyFiles;
import io.openmede.schemas.checkpoint.CheckpointSigning;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
  void keysGenerate_writesAPairThatSignsAndNeverOverwrites(@TempDir Path dir) throws Exception {
    Result r = run("keys", "generate", "--out", dir.toString(), "--name", "site");
    assertThat(r.exit()).as(r.err()).isZero();
    KeyPair pair = KeyFiles.readPair(dir.resolve("site.key"));
    assertThat(r.out())
        .contains("key id      " + CheckpointSigning.keyId(pair.getPublic()))
        .contains("trainer.checkpoint.signing-key=" + dir.resolve("site.key"))
        .contains("recognizer.checkpoints.trusted-keys=" + dir.resolve("site.pub"));
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("site.key"))))
        .isEqualTo("rw-------");
    String before = Files.readString(dir.resolve("site.key"));
    Result again = run("keys", "generate", "--out", dir.toString(), "--name", "site");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("exists already");
    assertThat(Files.readString(dir.resolve("site.key"))).isEqualTo(before);
    Result kept =
        run("keys", "generate", "--out", dir.toString(), "--name", "site", "--keep-existing");
    assertThat(kept.exit()).as(kept.err()).isZero();
    assertThat(kept.out()).contains("keeping key " + CheckpointSigning.keyId(pair.getPublic()));
    assertThat(Files.readString(dir.resolve("site.key"))).isEqualTo(before);
    Files.delete(dir.resolve("site.pub"));
    assertThat(
            run("keys", "generate", "--out", dir.toString(), "--name", "site", "--keep-existing")
                .exit())
        .isEqualTo(1);
    assertThat(run("keys", "generate", "--out", dir.toString(), "--name", "../up").exit())
        .isEqualTo(2);
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
