package org.slicelab.spark.report;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.codec.digest.DigestUtils;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;

/**
 * A (backbone, dataset) pair: the unit the report judges the claims on. A results set with
 * trials on several pairs gets every claim per pair and a universality table across them.
 *
 * @param backbone the canonical {@code backbone} value of the trials
 * @param dataset the canonical {@code dataset} value of the trials
 */
public record Combination(String backbone, String dataset) {
  private static final Comparator<Combination> ORDER = Comparator
      .comparing((Combination c) -> !c.backbone.equals(Backbones.DEFAULT))
      .thenComparing((Combination c) -> Backbones.isCheckpoint(c.backbone))
      .thenComparing(Combination::backbone)
      .thenComparing((Combination c) -> !c.dataset.equals(Datasets.SPAM_ASSASSIN))
      .thenComparing(Combination::dataset);

  /** The pair a trial ran on (the defaults for specs recorded without the fields). */
  static Combination of(TrialPoint t) {
    String backbone = t.field("backbone");
    String dataset = t.field("dataset");
    return new Combination(backbone.isEmpty() ? Backbones.DEFAULT : backbone,
        dataset.isEmpty() ? Datasets.SPAM_ASSASSIN : dataset);
  }

  /**
   * The trials grouped by pair: the default backbone first, then the other built-in ones, then
   * checkpoints, each by name; within a backbone the default data set first, then by name.
   */
  static Map<Combination, List<TrialPoint>> split(List<TrialPoint> trials) {
    Map<Combination, List<TrialPoint>> sorted = new TreeMap<>(ORDER);
    for (TrialPoint t : trials) {
      sorted.computeIfAbsent(of(t), k -> new ArrayList<>()).add(t);
    }
    return new LinkedHashMap<>(sorted);
  }

  /** What the pair's backbone reads: {@code text} or {@code image}. */
  public String modality() {
    return Backbones.modalityOf(backbone).label();
  }

  /** {@code backbone × dataset}, for headings and table columns. */
  public String label() {
    return backbone + " × " + dataset;
  }

  /**
   * A directory name for the pair's figures: names kept as they are when they are plain, a
   * path or option string shortened to its last part plus 8 hex digits of its SHA-256.
   */
  public String slug() {
    return part(backbone) + "__" + part(dataset);
  }

  private static String part(String value) {
    if (value.matches("[A-Za-z0-9._-]+")) {
      return value;
    }
    String source = value.contains("?") ? value.substring(0, value.indexOf('?')) : value;
    String last = source.replaceAll("/+$", "");
    last = last.substring(last.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    String hash = DigestUtils.sha256Hex(value.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    return (last.isEmpty() ? "data" : last) + "-" + hash;
  }
}
