package org.slicelab.spark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.slicelab.spark.report.FrozenVerdicts.Frozen;

/**
 * The README's claims table is the one {@code report --claims-markdown} computes from the
 * committed evidence ({@code evidence/figure2}): no hand-copied numbers. Skipped only when the
 * checkout has no {@code evidence/figure2} at all; before the evidence run completes its first
 * look the README must say so ({@link ClaimsMarkdown#NO_COMPLETED_LOOK}).
 */
class ReadmeClaimsTableTest extends LocalSparkTest {
  static final Path README = ReportTestSupport.ROOT.resolve("README.md");
  static final Path EVIDENCE = ReportTestSupport.ROOT.resolve("evidence/figure2");
  /** The command that refreshes the README's table (run from the repository root). */
  static final String REGENERATE = "bin/slicelab report --results evidence/figure2 "
      + "--claims-markdown --update-readme README.md";
  @TempDir
  static Path dir;

  /** Fails, naming {@link #REGENERATE}, when {@code readme}'s table is not what {@code evidence} gives. */
  static void assertReadmeMatches(Path readme, Path evidence) throws IOException {
    String inReadme = ClaimsSection.read(Files.readString(readme), readme.toString());
    String computed = ClaimsMarkdown.compute(spark, new ReportOptions(evidence.toString(), null,
        null), ClaimSettings.DEFAULT_MARGIN).text();
    assertEquals(computed, inReadme, "the claims table in " + readme + " is not what "
        + evidence + " gives; regenerate it from the repository root with: " + REGENERATE);
  }

  @Test
  void theReadmeHoldsOneGeneratedClaimsSection() throws IOException {
    String section = ClaimsSection.read(Files.readString(README), README.toString());
    assertTrue(!section.isEmpty(), "the claims section is empty");
  }

  @Test
  void theReadmeClaimsTableIsWhatTheEvidenceGives() throws IOException {
    assumeTrue(Files.exists(EVIDENCE), "no " + EVIDENCE + " in this checkout: nothing to "
        + "compare the README's claims table with");
    assertReadmeMatches(README, EVIDENCE);
  }

  @Test
  void theGuardFailsWhenTheReadmeDiffersFromTheEvidence() throws IOException {
    Path evidence = CraftedFigure2.results(dir.resolve("evidence"), 3);
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, ClaimsSection.replace(Files.readString(README),
        ClaimsMarkdown.NO_COMPLETED_LOOK, "README.md"));

    // no completed look: the fixed line passes, a table does not
    CraftedFigure2.design(evidence, new int[] {3, 6}, 0, FrozenVerdicts.NONE);
    assertReadmeMatches(readme, evidence);
    String early = Files.readString(readme);

    // look 1 completed: the fixed line fails, naming the command that regenerates the table
    CraftedFigure2.design(evidence, new int[] {3, 6}, 1, FrozenVerdicts.NONE);
    AssertionFailedError stale = assertThrows(AssertionFailedError.class,
        () -> assertReadmeMatches(readme, evidence));
    assertTrue(stale.getMessage().contains(REGENERATE), stale.getMessage());
    String table = ClaimsMarkdown.compute(spark, new ReportOptions(evidence.toString(), null,
        null), ClaimSettings.DEFAULT_MARGIN).text();
    assertTrue(ClaimsSection.update(readme, table, "--update-readme"));
    assertReadmeMatches(readme, evidence);

    // one hand-edited cell fails
    String edited = Files.readString(readme).replaceFirst("\\| 3 \\| \\*\\*", "| 4 | **");
    assertTrue(!edited.equals(Files.readString(readme)));
    Files.writeString(readme, edited);
    assertThrows(AssertionFailedError.class, () -> assertReadmeMatches(readme, evidence));

    // a verdict frozen since: the regenerated table changes, the old one fails
    Files.writeString(readme, ClaimsSection.replace(edited, table, "README.md"));
    CraftedFigure2.design(evidence, new int[] {3, 6}, 1, CraftedFigure2.frozen("fig2c",
        new Frozen(Claim.NOT_REPRODUCED, 1, 3.5, 1.2, 5.8, 0.9, 3)));
    assertThrows(AssertionFailedError.class, () -> assertReadmeMatches(readme, evidence));
    assertTrue(!early.equals(Files.readString(readme)));
  }
}
