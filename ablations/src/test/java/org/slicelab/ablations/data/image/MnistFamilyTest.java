package org.slicelab.ablations.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slicelab.ablations.data.Dataset;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.data.ExampleFingerprint;
import org.slicelab.ablations.model.Modality;

/** MNIST and Fashion-MNIST through the dataset option: counts, classes, splits, subsamples. */
class MnistFamilyTest {

  @Test
  void mnistHasTheDocumentedCountsAndTenClasses() {
    long start = System.nanoTime();
    Dataset<LabeledImage> mnist = Datasets.images("mnist");
    System.out.printf("mnist loaded in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    checkCounts(mnist, MnistFamily.DIGIT_LABELS, MnistFamily.MNIST_NPM.sha256Hex());
    LabeledImage first = find(mnist, "train-0");
    assertEquals(5, first.label(), "the first training digit is a 5");
    assertEquals("train", first.group());
    assertEquals("t10k", mnist.splits().test().get(0).group());
    assertEquals("t10k-0", mnist.splits().test().get(0).id());
    assertEquals(7, mnist.splits().test().get(0).label(), "the first test digit is a 7");
    BufferedImage image = first.source().read();
    assertEquals(28, image.getWidth());
    assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType());
    assertSame(mnist, Datasets.get("mnist"));
  }

  @Test
  void fashionMnistHasTheDocumentedCountsAndTenClasses() {
    long start = System.nanoTime();
    Dataset<LabeledImage> fashion = Datasets.images("fashion-mnist");
    System.out.printf("fashion-mnist loaded in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    checkCounts(fashion, MnistFamily.FASHION_LABELS, MnistFamily.FASHION_DEB.sha256Hex());
    assertEquals("Ankle boot", fashion.labelNames().get(find(fashion, "train-0").label()),
        "the first Fashion-MNIST training image is an ankle boot");
  }

  private static void checkCounts(Dataset<LabeledImage> d, List<String> labels,
      String checksum) {
    DatasetSplits<LabeledImage> s = d.splits();
    assertEquals(Modality.IMAGE, d.modality());
    assertEquals(labels, d.labelNames());
    assertEquals(checksum, d.checksum());
    assertEquals(60000, s.train().size() + s.validation().size());
    assertEquals(12000, s.validation().size(), "20% of train held out");
    assertEquals(10000, s.test().size());
    Set<String> ids = new HashSet<>();
    for (List<LabeledImage> split : List.of(s.train(), s.validation(), s.test())) {
      split.forEach(x -> assertTrue(ids.add(x.id()), "duplicate " + x.id()));
    }
    assertTrue(s.test().stream().allMatch(x -> x.id().startsWith("t10k-")));
    assertTrue(s.validation().stream().allMatch(x -> x.id().startsWith("train-")));
    // stratified: each class's share of validation equals its share of train within 0.2 points
    Map<Integer, Integer> train = counts(s.train());
    Map<Integer, Integer> val = counts(s.validation());
    assertEquals(10, train.size());
    for (int c = 0; c < 10; c++) {
      assertEquals(train.get(c) / 48000.0, val.get(c) / 12000.0, 0.002, "class " + c);
    }
  }

  @Test
  void subsamplesAreStratifiedAndSeededLikeText() {
    Dataset<LabeledImage> mnist = Datasets.images("mnist");
    DatasetSplits<LabeledImage> a = mnist.load(1000, 500, 500, 1, 0);
    DatasetSplits<LabeledImage> b = mnist.load(1000, 500, 500, 2, 0);
    DatasetSplits<LabeledImage> again = mnist.load(1000, 500, 500, 1, 0);
    assertEquals(1000, a.train().size());
    assertEquals(ExampleFingerprint.ids(a.train()), ExampleFingerprint.ids(again.train()));
    assertNotEquals(ExampleFingerprint.ids(a.train()), ExampleFingerprint.ids(b.train()));
    assertEquals(ExampleFingerprint.ids(a.validation()), ExampleFingerprint.ids(b.validation()));
    assertEquals(ExampleFingerprint.ids(a.test()), ExampleFingerprint.ids(b.test()));
    assertNotEquals(ExampleFingerprint.ids(a.test()),
        ExampleFingerprint.ids(mnist.load(1000, 500, 500, 1, 7).test()), "data seed");
    Map<Integer, Integer> perClass = counts(a.train());
    for (int c = 0; c < 10; c++) {
      // every class gets its proportional share (MNIST classes hold 9-11% of train)
      assertTrue(perClass.get(c) >= 88 && perClass.get(c) <= 115, c + ": " + perClass.get(c));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> mnist.load(50000, 500, 500, 1, 0));
    assertEquals("trial option 'train_size' = 50000 is invalid: must be at most 48000 (the "
        + "training split)", e.getMessage());
  }

  @Test
  void optionsAndModalityAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Datasets.canonical("mnist?train=a"));
    assertTrue(e.getMessage().contains("unknown option 'train' for mnist; allowed: none"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Datasets.text("fashion-mnist"));
    assertEquals("trial option 'dataset' = 'fashion-mnist' is invalid: it is an image data "
        + "set; text is needed here", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Datasets.images("sentiment-sentences"));
    assertTrue(e.getMessage().contains("it is a text data set; image is needed here"),
        e.getMessage());
  }

  private static Map<Integer, Integer> counts(List<LabeledImage> images) {
    Map<Integer, Integer> counts = new TreeMap<>();
    images.forEach(x -> counts.merge(x.label(), 1, Integer::sum));
    return counts;
  }

  private static LabeledImage find(Dataset<LabeledImage> d, String id) {
    return java.util.stream.Stream.of(d.splits().train(), d.splits().validation())
        .flatMap(List::stream).filter(x -> x.id().equals(id)).findFirst().orElseThrow();
  }
}
