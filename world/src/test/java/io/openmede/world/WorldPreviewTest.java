package io.openmede.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Writes contact sheets into {@code target/world-preview/} for humans to look at. */
class WorldPreviewTest {
  private static final Path OUT = Paths.get("target", "world-preview");

  @Test
  void writeContactSheet_oneClipPerAction_writesPngWithOneRowPerClip() throws IOException {
    SyntheticWorld world = SyntheticWorld.withDefaults();
    Shape[] shapes = Shape.values();
    ActorColour[] colours = ActorColour.values();
    List<Clip> clips = new ArrayList<>();
    for (Action action : Action.values()) {
      int i = action.ordinal();
      clips.add(
          world.clip(
              ClipSpec.of(
                  action,
                  shapes[i % shapes.length],
                  colours[i % colours.length],
                  action.homeScene(),
                  1000 + i)));
    }
    Path png = OUT.resolve("actions.png");

    WorldPreview.writeContactSheet(clips, 3, png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getHeight()).isEqualTo(Action.values().length * (32 * 3 + 2));
  }

  @Test
  void writeContactSheet_scenesAndTestSets_writesPng() throws IOException {
    SyntheticWorld world = SyntheticWorld.withDefaults();
    List<Clip> clips = new ArrayList<>();
    for (Scene scene : Scene.values()) {
      clips.add(
          world.clip(
              ClipSpec.of(Action.GLIDING_ACROSS, Shape.SQUARE, ActorColour.YELLOW, scene, 7)));
    }
    clips.addAll(world.sceneOnly(1, 3).subList(0, 3));
    clips.addAll(world.novelOutOfContext(1, 3));
    Path png = OUT.resolve("scenes.png");

    WorldPreview.writeContactSheet(clips, 3, png);

    assertThat(ImageIO.read(png.toFile()).getHeight()).isEqualTo(clips.size() * (32 * 3 + 2));
  }

  @Test
  void writeStillSheet_captionCorpus_writesPng() throws IOException {
    CaptionCorpus corpus = new CaptionCorpus(SyntheticWorld.withDefaults());
    Path png = OUT.resolve("stills.png");

    WorldPreview.writeStillSheet(corpus.stills(40, 5), 8, 4, png);

    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(8 * (220 + 4));
  }

  @Test
  void toImage_wrongLength_saysExpectedLength() {
    assertThatThrownBy(() -> WorldPreview.toImage(new byte[10], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 bytes")
        .hasMessageContaining("12");
  }
}
