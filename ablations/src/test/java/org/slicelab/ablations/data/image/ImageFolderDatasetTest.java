package org.slicelab.ablations.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.model.Modality;

/** A user's image folder: both layouts, how a path is told apart, and every bad input. */
class ImageFolderDatasetTest {

  @Test
  void flatFolderWithPngAndJpegIsSplit602020(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 10; i++) {
      png(dir.resolve("cat/c" + i + ".png"), i * 20);
      jpeg(dir.resolve("dog/d" + i + ".JPG"), 255 - i * 20);
    }
    png(dir.resolve("dog/nested/extra.png"), 3);
    Files.writeString(dir.resolve("README.txt"), "top-level files are ignored");
    Files.writeString(dir.resolve("cat/.DS_Store"), "hidden files are skipped");
    Dataset<LabeledImage> d = Datasets.images(dir.toString());
    assertEquals(Modality.IMAGE, d.modality());
    assertEquals(List.of("cat", "dog"), d.labelNames());
    DatasetSplits<LabeledImage> s = d.splits();
    assertEquals(21, s.train().size() + s.validation().size() + s.test().size());
    assertEquals(4, s.test().size(), "round(10 * 0.2) per class, twice");
    assertEquals(4, s.validation().size());
    Set<String> ids = new HashSet<>();
    for (List<LabeledImage> split : List.of(s.train(), s.validation(), s.test())) {
      split.forEach(x -> ids.add(x.id()));
    }
    assertTrue(ids.contains("cat/c0.png") && ids.contains("dog/d9.JPG")
        && ids.contains("dog/nested/extra.png"), ids.toString());
    LabeledImage dog = all(s).stream().filter(x -> x.id().equals("dog/d0.JPG")).findFirst()
        .orElseThrow();
    assertEquals(1, dog.label());
    assertEquals(64, d.checksum().length());
    // a changed image changes the checksum
    png(dir.resolve("cat/c0.png"), 1);
    assertNotEquals(d.checksum(), new ImageFolderDataset("x", dir).checksum());
  }

  @Test
  void trainAndTestFoldersGiveTheSplits(@TempDir Path dir) throws IOException {
    for (int i = 0; i < 10; i++) {
      png(dir.resolve("train/a/" + i + ".png"), i);
      png(dir.resolve("train/b/" + i + ".png"), 100 + i);
    }
    png(dir.resolve("test/a/x.png"), 7);
    jpeg(dir.resolve("test/b/y.jpeg"), 200);
    Dataset<LabeledImage> d = Datasets.images(dir.toString());
    assertEquals(List.of("a", "b"), d.labelNames());
    assertEquals(16, d.splits().train().size());
    assertEquals(4, d.splits().validation().size(), "20% of train, stratified");
    assertEquals(List.of("test/a/x.png", "test/b/y.jpeg"), d.splits().test().stream()
        .map(LabeledImage::id).toList());
    assertTrue(d.splits().train().stream().allMatch(x -> x.group().equals("train")));
    assertEquals(List.of(0, 1), d.splits().test().stream().map(LabeledImage::label).toList());
    // a validation folder is taken as it is
    png(dir.resolve("validation/b/v.png"), 9);
    Dataset<LabeledImage> v = new ImageFolderDataset("v", dir);
    assertEquals(20, v.splits().train().size());
    assertEquals(List.of("validation/b/v.png"), v.splits().validation().stream()
        .map(LabeledImage::id).toList());
  }

  @Test
  void tablesAndImageFoldersAreToldApart(@TempDir Path dir) throws IOException {
    Path images = dir.resolve("images");
    png(images.resolve("a/1.png"), 1);
    png(images.resolve("b/1.png"), 2);
    assertEquals(images.toString(), Datasets.canonical(images.toString()));
    assertMessage("unknown option 'text' for " + images + "; allowed: none",
        () -> Datasets.canonical(images + "?text=x"));
    // a table file at the top makes it a table directory (subdirectories are then ignored)
    Path table = dir.resolve("table");
    png(table.resolve("a/1.png"), 1);
    Files.writeString(table.resolve("train.csv"), "text,label\na,x\nb,y\n");
    Files.writeString(table.resolve("test.csv"), "text,label\nc,x\nd,y\n");
    assertEquals(Modality.TEXT, Datasets.get(table + "?text=text").modality());
    Path neither = Files.createDirectory(dir.resolve("neither"));
    Files.writeString(neither.resolve("notes.txt"), "x");
    assertMessage("is neither a table directory (it holds no file with a supported extension: "
        + "csv, tsv, tab, jsonl, ndjson) nor an image folder (one subdirectory per class",
        () -> Datasets.get(neither.toString()));
  }

  @Test
  void badFoldersAreNamedBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path one = dir.resolve("one");
    png(one.resolve("cat/1.png"), 1);
    assertMessage("image folder " + one + " has a single class [cat]; at least two class "
        + "subdirectories are needed", () -> new ImageFolderDataset("x", one));

    Path empty = folder(dir.resolve("empty"));
    Path zero = empty.resolve("cat/zero.png");
    Files.write(zero, new byte[0]);
    assertMessage("image " + zero + " is empty (0 bytes)",
        () -> new ImageFolderDataset("x", empty));

    Path garbled = folder(dir.resolve("garbled"));
    Path bad = garbled.resolve("dog/bad.jpg");
    Files.writeString(bad, "this is not a JPEG");
    assertMessage("image " + bad + " is not a PNG or JPEG image",
        () -> new ImageFolderDataset("x", garbled));

    Path cut = folder(dir.resolve("cut"));
    byte[] png = Files.readAllBytes(cut.resolve("cat/1.png"));
    Path truncated = cut.resolve("cat/2.png");
    Files.write(truncated, java.util.Arrays.copyOf(png, 12));
    assertMessage("image " + truncated + " is unreadable",
        () -> new ImageFolderDataset("x", cut));

    Path noImages = folder(dir.resolve("no-images"));
    Files.createDirectories(noImages.resolve("bird"));
    assertMessage("class directory " + noImages.resolve("bird") + " holds no image (allowed: "
        + "png, jpg, jpeg)", () -> new ImageFolderDataset("x", noImages));

    Path text = folder(dir.resolve("text"));
    Files.writeString(text.resolve("cat/labels.csv"), "x");
    assertMessage(text.resolve("cat/labels.csv") + " is not an image file; allowed: .png, .jpg,"
        + " .jpeg", () -> new ImageFolderDataset("x", text));

    Path gif = folder(dir.resolve("gif"));
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "gif",
        gif.resolve("cat/really-a-gif.png").toFile());
    assertMessage("is not a PNG or JPEG image (it is gif)",
        () -> new ImageFolderDataset("x", gif));

    Path loose = folder(dir.resolve("loose"));
    png(loose.resolve("stray.png"), 1);
    assertMessage(loose.resolve("stray.png") + " is not inside a class subdirectory",
        () -> new ImageFolderDataset("x", loose));

    Path split = dir.resolve("split");
    png(split.resolve("train/a/1.png"), 1);
    png(split.resolve("train/b/1.png"), 1);
    png(split.resolve("test/c/1.png"), 1);
    assertMessage("test/ has class 'c' that train/ lacks; train/ has [a, b]",
        () -> new ImageFolderDataset("x", split));

    Path noTest = dir.resolve("no-test");
    png(noTest.resolve("train/a/1.png"), 1);
    png(noTest.resolve("val/a/1.png"), 1);
    assertMessage("has split directories [train, val]; it needs train/ and test/",
        () -> new ImageFolderDataset("x", noTest));

    Path flatSplit = dir.resolve("flat-split");
    png(flatSplit.resolve("train/1.png"), 1);
    png(flatSplit.resolve("test/1.png"), 1);
    assertMessage(flatSplit.resolve("train/1.png") + " is not inside a class subdirectory",
        () -> new ImageFolderDataset("x", flatSplit));

    // through the option, the message names it
    assertMessage("trial option 'dataset' = '" + one + "' is invalid: image folder " + one
        + " has a single class", () -> Datasets.get(one.toString()));
  }

  /** A valid two-class folder (cat/1.png, dog/1.png) to break. */
  private static Path folder(Path dir) throws IOException {
    png(dir.resolve("cat/1.png"), 10);
    png(dir.resolve("dog/1.png"), 20);
    return dir;
  }

  private static List<LabeledImage> all(DatasetSplits<LabeledImage> s) {
    return java.util.stream.Stream.of(s.train(), s.validation(), s.test())
        .flatMap(List::stream).toList();
  }

  static void png(Path file, int gray) throws IOException {
    write(file, gray, "png");
  }

  static void jpeg(Path file, int gray) throws IOException {
    write(file, gray, "jpg");
  }

  private static void write(Path file, int value, String format) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 6; x++) {
        image.setRGB(x, y, (value << 16) | (x * 10 << 8) | y * 10);
      }
    }
    if (!ImageIO.write(image, format, file.toFile())) {
      throw new IOException("no writer for " + format);
    }
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, e);
    assertTrue(thrown.getMessage().contains(expected), thrown.getMessage());
  }
}
