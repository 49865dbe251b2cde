package org.slicelab.ablations.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset option: built-in data sets, user files of every format, and their errors. */
class DatasetsTest {

  @Test
  void sentimentSentencesHasThreeDomainsWithoutEmptyOrDuplicateRows() {
    List<LabeledText> texts = SentimentSentences.texts();
    assertTrue(texts.size() > 2950 && texts.size() < 3000, "size " + texts.size());
    Set<String> unique = new HashSet<>();
    for (LabeledText t : texts) {
      assertTrue(!t.text().isBlank() && unique.add(t.text()), t.id());
      assertTrue(SentimentSentences.SOURCES.contains(t.group()), t.group());
    }
    for (String source : SentimentSentences.SOURCES) {
      long n = texts.stream().filter(t -> t.group().equals(source)).count();
      long pos = texts.stream().filter(t -> t.group().equals(source) && t.label() == 1).count();
      assertTrue(n > 980 && n <= 1000 && Math.abs(2 * pos - n) < 20, source + " " + n);
    }
    Dataset<LabeledText> all = Datasets.text("sentiment-sentences");
    assertEquals(List.of("negative", "positive"), all.labelNames());
    assertEquals(texts.size(), all.splits().train().size() + all.splits().validation().size()
        + all.splits().test().size());
  }

  @Test
  void crossDomainTrainsOnSomeSourcesAndTestsOnAnother() {
    Dataset<LabeledText> d = Datasets.text("sentiment-sentences?test=yelp&train=amazon,imdb");
    assertEquals("sentiment-sentences?test=yelp&train=amazon,imdb", d.name());
    assertSame(d, Datasets.get("sentiment-sentences?train=amazon,imdb&test=yelp"));
    assertTrue(d.splits().test().stream().allMatch(t -> t.group().equals("yelp")));
    assertTrue(d.splits().train().stream().noneMatch(t -> t.group().equals("yelp")));
    assertTrue(d.splits().validation().stream().noneMatch(t -> t.group().equals("yelp")));
    assertTrue(d.splits().test().size() > 980);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Datasets.get("sentiment-sentences?train=amazon&test=twitter"));
    assertTrue(e.getMessage().contains("unknown domain 'twitter'"), e.getMessage());
  }

  @Test
  void unknownNamesAndOptionsAreRejected() {
    assertMessage("trial option 'dataset' = 'imdb' is invalid", () -> Datasets.canonical("imdb"));
    assertMessage("unknown option 'text'",
        () -> Datasets.canonical("sentiment-sentences?text=x"));
    assertMessage("not key=value", () -> Datasets.canonical("a/b.csv?text"));
    assertEquals("a/b.csv?label=y&text=x", Datasets.canonical("a/b.csv?text=x&label=y"));
  }

  @Test
  void csvWithStringLabelsOfThreeClasses(@TempDir Path dir) throws IOException {
    StringBuilder csv = new StringBuilder("id,review,stars\n");
    String[] classes = {"good", "bad", "meh"};
    for (int i = 0; i < 30; i++) {
      csv.append(i).append(",\"review, number ").append(i).append("\",")
          .append(classes[i % 3]).append('\n');
    }
    Path file = Files.writeString(dir.resolve("reviews.csv"), csv);
    Dataset<LabeledText> d = Datasets.text(file + "?text=review&label=stars");
    assertEquals(List.of("bad", "good", "meh"), d.labelNames());
    assertEquals(18, d.splits().train().size());
    assertEquals(6, d.splits().validation().size());
    assertEquals(6, d.splits().test().size());
    LabeledText first = d.splits().train().stream().filter(t -> t.text().equals(
        "review, number 0")).findFirst().orElseGet(() -> find(d, "review, number 0"));
    assertEquals(1, first.label(), "good is id 1");
    assertEquals(64, d.checksum().length());
  }

  @Test
  void tsvAndJsonLinesWithIntegerLabelsSortedNumerically(@TempDir Path dir) throws IOException {
    StringBuilder tsv = new StringBuilder("text\tlabel\n");
    StringBuilder jsonl = new StringBuilder();
    int[] labels = {2, 10, 9};
    for (int i = 0; i < 15; i++) {
      tsv.append("sentence ").append(i).append('\t').append(labels[i % 3]).append('\n');
      jsonl.append("{\"text\": \"sentence ").append(i).append("\", \"label\": ")
          .append(labels[i % 3]).append("}\n\n");
    }
    Dataset<LabeledText> t =
        Datasets.text(Files.writeString(dir.resolve("a.tsv"), tsv).toString());
    Dataset<LabeledText> j =
        Datasets.text(Files.writeString(dir.resolve("b.jsonl"), jsonl).toString());
    assertEquals(List.of("2", "9", "10"), t.labelNames());
    assertEquals(List.of("2", "9", "10"), j.labelNames());
    assertEquals(15, j.splits().train().size() + j.splits().validation().size()
        + j.splits().test().size());
  }

  @Test
  void directoryWithGivenSplits(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("train.csv"), rows("tr", 20));
    Files.writeString(dir.resolve("test.csv"), rows("te", 6));
    Dataset<LabeledText> noVal = Datasets.text(dir.toString());
    assertEquals(16, noVal.splits().train().size(), "20% of train held out");
    assertEquals(4, noVal.splits().validation().size());
    assertTrue(noVal.splits().test().stream().allMatch(t -> t.text().startsWith("te")));
    Path withVal = Files.createDirectory(dir.resolve("v"));
    Files.writeString(withVal.resolve("train.csv"), rows("tr", 20));
    Files.writeString(withVal.resolve("dev.csv"), rows("dv", 4));
    Files.writeString(withVal.resolve("test.csv"), rows("te", 6));
    Dataset<LabeledText> given = Datasets.text(withVal.toString());
    assertEquals(20, given.splits().train().size());
    assertTrue(given.splits().validation().stream().allMatch(t -> t.text().startsWith("dv")));
    Path onlyTrain = Files.createDirectory(dir.resolve("t"));
    Files.writeString(onlyTrain.resolve("train.csv"), rows("tr", 20));
    Files.writeString(onlyTrain.resolve("notes.txt"), "ignored");
    assertMessage("needs both train.* and test.*", () -> Datasets.get(onlyTrain.toString()));
  }

  @Test
  void badInputIsReportedWithColumnOrLine(@TempDir Path dir) throws IOException {
    Path csv = Files.writeString(dir.resolve("a.csv"), rows("x", 6));
    assertMessage("has no column 'review'; its columns: text, label",
        () -> Datasets.get(csv + "?text=review"));
    Path one = Files.writeString(dir.resolve("one.csv"), "text,label\na,pos\nb,pos\n");
    assertMessage("single class [pos]", () -> Datasets.get(one.toString()));
    Path empty = Files.writeString(dir.resolve("empty.csv"), "text,label\na,pos\n ,neg\n");
    assertMessage("empty text at line 3", () -> Datasets.get(empty.toString()));
    Path ragged = Files.writeString(dir.resolve("ragged.csv"), "text,label\na,pos\nb,neg,x\n");
    assertMessage("unreadable row at line 3", () -> Datasets.get(ragged.toString()));
    Path json = Files.writeString(dir.resolve("bad.jsonl"),
        "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\",\"label\":\n");
    assertMessage("unreadable row at line 2", () -> Datasets.get(json.toString()));
    Path noField = Files.writeString(dir.resolve("nofield.jsonl"),
        "{\"text\":\"a\",\"label\":1}\n{\"text\":\"b\"}\n");
    assertMessage("line 2 has no field 'label'", () -> Datasets.get(noField.toString()));
    assertMessage("does not exist", () -> Datasets.get(dir.resolve("nope.csv").toString()));
    Path txt = Files.writeString(dir.resolve("data.txt"), "x");
    assertMessage("supported extensions: csv", () -> Datasets.get(txt.toString()));
    assertMessage("trial option 'train_size' = 50 is invalid: must be at most 2",
        () -> Datasets.get(csv.toString()).load(50, 1, 1, 1, 0));
  }

  private static String rows(String prefix, int n) {
    StringBuilder b = new StringBuilder("text,label\n");
    for (int i = 0; i < n; i++) {
      b.append(prefix).append(' ').append(i).append(',').append(i % 2 == 0 ? "neg" : "pos")
          .append('\n');
    }
    return b.toString();
  }

  private static LabeledText find(Dataset<LabeledText> d, String text) {
    return java.util.stream.Stream.of(d.splits().validation(), d.splits().test())
        .flatMap(List::stream).filter(t -> t.text().equals(text)).findFirst().orElseThrow();
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, e);
    assertTrue(thrown.getMessage().contains(expected), thrown.getMessage());
  }
}
