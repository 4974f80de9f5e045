package io.openmede.schemas.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapTest {

  @TempDir Path dir;

  Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void ucf101_oneNameALine_gives101NamesInOrder() throws Exception {
    Path ucf = Path.of(getClass().getResource("/labels/ucf101.txt").toURI());
    LabelMap m = LabelMap.load(ucf);
    assertThat(m.size()).isEqualTo(101);
    assertThat(m.name(0)).contains("ApplyEyeMakeup");
    assertThat(m.labels().get(100)).isEqualTo("YoYo");
  }

  @Test
  void csv_headerQuotesCommentsAndBlankLines() throws Exception {
    LabelMap m =
        LabelMap.load(
            file(
                "m.csv",
                "id,name\n# comment\n0,abseiling\n\n1,\"air, drumming\"\n2, waving\n3,\"say \"\"hi\"\"\"\n"));
    assertThat(m.labels()).containsExactly("abseiling", "air, drumming", "waving", "say \"hi\"");
    assertThat(m.name(1)).contains("air, drumming");
  }

  @Test
  void text_skipsCommentsAndBlankLines_andKeepsCommasInNames() throws Exception {
    LabelMap m = LabelMap.load(file("k.txt", "# kinetics\nabseiling\n\nair drumming\nx, y\n"));
    assertThat(m.name(0)).contains("abseiling");
    assertThat(m.name(1)).contains("air drumming");
    assertThat(m.name(2)).contains("x, y");
  }

  @Test
  void json_objectInverseObjectOrArray() throws Exception {
    assertThat(
            LabelMap.load(file("a.json", "{\"0\": \"abseiling\", \"1\": \"air drumming\"}"))
                .name(1))
        .contains("air drumming");
    assertThat(LabelMap.load(file("b.json", "{\"abseiling\": 0, \"air drumming\": 1}")).name(0))
        .contains("abseiling");
    assertThat(LabelMap.load(file("c.json", "[\"a\", \"b\", \"c\"]")).name(2)).contains("c");
  }

  @Test
  void badMaps_areRefusedNamingTheFileAndLine() throws Exception {
    assertThatThrownBy(() -> LabelMap.load(file("x.csv", "0,a\nx,b\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("'x' is not a class index");
    assertThatThrownBy(() -> LabelMap.load(file("d.csv", "0,a\n0,b\n")))
        .hasMessageContaining("line 2")
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> LabelMap.load(file("e.csv", "0,a\n1,\n")))
        .hasMessageContaining("the name is empty");
    assertThatThrownBy(() -> LabelMap.load(file("n.csv", "0 a\n")))
        .hasMessageContaining("expected id,name");
    assertThatThrownBy(() -> LabelMap.load(file("empty.txt", "# nothing\n\n")))
        .hasMessageContaining("holds no labels");
    assertThatThrownBy(() -> LabelMap.load(file("neg.json", "{\"-1\": \"a\"}")))
        .hasMessageContaining("not a class index");
  }
}
