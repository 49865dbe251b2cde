package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Checks the BERT tokenizer wrapper on the all-MiniLM-L6-v2 vocabulary. */
class TextTokenizerTest {

  @Test
  void idsAreClsTextSepThenPadding() {
    try (TextTokenizer tokenizer = TextTokenizer.miniLm(16)) {
      TextTokenizer.Encoded e = tokenizer.encode(List.of("A man is eating food."));
      // [CLS] a man is eating food . [SEP], then [PAD]
      long[] expected = {101, 1037, 2158, 2003, 5983, 2833, 1012, 102, 0, 0, 0, 0, 0, 0, 0, 0};
      assertArrayEquals(expected, e.inputIds()[0]);
      assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0},
          e.attentionMask()[0]);
      assertArrayEquals(new long[16], e.tokenTypeIds()[0]);
      assertEquals(8, e.length(0));
    }
  }

  @Test
  void everyRowHasTheFixedWidthAndMaskCountsRealTokens() {
    try (TextTokenizer tokenizer = TextTokenizer.miniLm(12)) {
      TextTokenizer.Encoded e = tokenizer.encode(List.of("Hello", "", "Two words."));
      assertEquals(3, e.batchSize());
      int[] realTokens = {3, 2, 5}; // [CLS] hello [SEP] / [CLS] [SEP] / [CLS] two words . [SEP]
      for (int i = 0; i < 3; i++) {
        assertEquals(12, e.inputIds()[i].length);
        assertEquals(12, e.attentionMask()[i].length);
        assertEquals(12, e.tokenTypeIds()[i].length);
        assertEquals(realTokens[i], e.length(i));
        assertEquals(101, e.inputIds()[i][0]);
        assertEquals(102, e.inputIds()[i][realTokens[i] - 1]);
        for (int t = realTokens[i]; t < 12; t++) {
          assertEquals(0, e.inputIds()[i][t]);
        }
      }
    }
  }

  @Test
  void longTextIsTruncatedAndKeepsSep() {
    String longText = "word ".repeat(500);
    try (TextTokenizer tokenizer = TextTokenizer.miniLm(8)) {
      TextTokenizer.Encoded e = tokenizer.encode(List.of(longText));
      assertEquals(8, e.inputIds()[0].length);
      assertEquals(8, e.length(0));
      assertEquals(101, e.inputIds()[0][0]);
      assertEquals(102, e.inputIds()[0][7]);
    }
  }

  @Test
  void sharedBetweenThreadsGivesTheSameIds() throws Exception {
    List<String> texts = List.of("A man is eating food.", "Free money!!! Click now",
        "The meeting moved to 3pm.");
    try (TextTokenizer tokenizer = TextTokenizer.miniLm(32)) {
      long[][] expected = tokenizer.encode(texts).inputIds();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<long[][]>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          results.add(pool.submit(() -> tokenizer.encode(texts).inputIds()));
        }
        for (Future<long[][]> f : results) {
          assertArrayEquals(expected, f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void closedTokenizerRefusesWork() {
    TextTokenizer tokenizer = TextTokenizer.miniLm(8);
    tokenizer.close();
    tokenizer.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> tokenizer.encode(List.of("x")));
  }
}
