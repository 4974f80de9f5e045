package io.openmede.ingest.clip;

import static org.assertj.core.api.Assertions.assertThat;

import io.openmede.schemas.values.LabelMap;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetListTest {
  @TempDir Path dir;

  static Path ucfBaseLabels() throws URISyntaxException {
    return Path.of(DatasetListTest.class.getResource("/labels/ucf_101_base_labels.csv").toURI());
  }

  @Test
  void labelMap_idNameCsv_readsTheSharedBase2NovelFormat() throws Exception {
    LabelMap labels = LabelMap.load(ucfBaseLabels());
    assertThat(labels.name(0)).contains("Typing");
    assertThat(labels.name(1)).contains("BasketballDunk");
    assertThat(labels.size()).isEqualTo(Files.readAllLines(ucfBaseLabels()).size() - 1);
  }

  @Test
  void labelMap_jsonObjectOrArray_orOneNameALine() throws Exception {
    Path obj = dir.resolve("map.json");
    Files.writeString(obj, "{\"0\": \"abseiling\", \"1\": \"air drumming\"}");
    assertThat(LabelMap.load(obj).name(1)).contains("air drumming");
    Path inverse = dir.resolve("inverse.json");
    Files.writeString(inverse, "{\"abseiling\": 0, \"air drumming\": 1}");
    assertThat(LabelMap.load(inverse).name(0)).contains("abseiling");
    Path array = dir.resolve("array.json");
    Files.writeString(array, "[\"a\", \"b\", \"c\"]");
    assertThat(LabelMap.load(array).name(2)).contains("c");
    Path txt = dir.resolve("k.txt");
    Files.writeString(txt, "abseiling\nair drumming\n");
    assertThat(LabelMap.load(txt).name(1)).contains("air drumming");
  }

  @Test
  void read_csvPathLabel_withJsonMap_skipsHeader_andReportsUnknownIndex() throws Exception {
    Path map = dir.resolve("map.json");
    Files.writeString(map, "{\"0\": \"abseiling\", \"1\": \"air drumming\"}");
    Path list = dir.resolve("train.csv");
    Files.writeString(list, "path,label\nvideos/a.mp4,1\nvideos/b c.mp4,0\nvideos/d.mp4,7\n");
    DatasetList parsed = DatasetList.read(list, dir, Optional.of(LabelMap.load(map)));
    assertThat(parsed.entries()).hasSize(2);
    assertThat(parsed.entries().get(0).label()).isEqualTo("air drumming");
    assertThat(parsed.entries().get(0).video()).isEqualTo(dir.resolve("videos/a.mp4"));
    assertThat(parsed.entries().get(1).listedPath()).isEqualTo("videos/b c.mp4");
    assertThat(parsed.problems())
        .singleElement()
        .asString()
        .contains("line 4")
        .contains("class index 7 is not in");
  }

  @Test
  void read_spaceSeparatedList_withIdNameCsv_andRawframeCounts() throws Exception {
    Path list = dir.resolve("ucf.txt");
    Files.writeString(list, "v_Typing_g01.avi 0\nv_Dunk_g02.avi 1\nrawframes/x 120 1\nlonely\n");
    DatasetList parsed = DatasetList.read(list, dir, Optional.of(LabelMap.load(ucfBaseLabels())));
    assertThat(parsed.entries())
        .extracting(DatasetEntry::listedPath, DatasetEntry::label, DatasetEntry::line)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("v_Typing_g01.avi", "Typing", 1),
            org.assertj.core.groups.Tuple.tuple("v_Dunk_g02.avi", "BasketballDunk", 2),
            org.assertj.core.groups.Tuple.tuple("rawframes/x", "BasketballDunk", 3));
    assertThat(parsed.problems()).singleElement().asString().contains("line 4");
  }

  @Test
  void read_withoutLabelMap_takesLabelsAsNames() throws Exception {
    Path list = dir.resolve("named.csv");
    Files.writeString(list, "a.mp4,arm wrestling\n");
    assertThat(DatasetList.read(list, dir, Optional.empty()).entries().get(0).label())
        .isEqualTo("arm wrestling");
  }
}
