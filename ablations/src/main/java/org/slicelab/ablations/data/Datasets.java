package org.slicelab.ablations.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds a {@link Dataset} by the value of the trial option {@code dataset}:
 * {@value #SPAM_ASSASSIN} (the default), {@value #SENTIMENT} (options {@code train} and
 * {@code test}: comma-separated sources amazon, imdb, yelp), or a file or directory (any value
 * containing {@code /}; options in {@link TableDataset#OPTIONS}). Options follow a {@code ?}
 * as {@code key=value} pairs joined by {@code &}. Each data set is read once per JVM.
 */
public final class Datasets {
  /** SpamAssassin spam vs ham (the default). */
  public static final String SPAM_ASSASSIN = "spam-assassin";
  /** UCI Sentiment Labelled Sentences. */
  public static final String SENTIMENT = "sentiment-sentences";

  private static final Map<String, Dataset> CACHE = new ConcurrentHashMap<>();

  private Datasets() {
  }

  /** The built-in names. */
  public static List<String> builtInNames() {
    return List.of(SPAM_ASSASSIN, SENTIMENT);
  }

  /**
   * The canonical form of a {@code dataset} value (options sorted by key), checked for syntax
   * and option names without reading any data.
   */
  public static String canonical(String value) {
    DatasetOptions options = DatasetOptions.parse(value);
    switch (options.source()) {
      case SPAM_ASSASSIN -> options.check(List.of());
      case SENTIMENT -> options.check(List.of("train", "test"));
      default -> {
        if (!options.source().contains("/")) {
          throw DatasetOptions.invalid(value, "must be one of " + String.join(", ",
              builtInNames()) + ", or the path of a CSV/TSV/JSONL/Parquet file or directory "
              + "(options after '?': " + String.join(", ", TableDataset.OPTIONS) + ")");
        }
        options.check(TableDataset.OPTIONS);
      }
    }
    return options.canonical();
  }

  /** The data set for a {@code dataset} value, read on first use. */
  public static Dataset get(String value) {
    String name = canonical(value);
    return CACHE.computeIfAbsent(name, k -> {
      try {
        return create(k);
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("trial option")) {
          throw e;
        }
        // name the option, so that a grid error points at the axis entry
        throw DatasetOptions.invalid(value, e.getMessage());
      }
    });
  }

  private static Dataset create(String name) {
    DatasetOptions options = DatasetOptions.parse(name);
    return switch (options.source()) {
      case SPAM_ASSASSIN -> new Fixed(name, SpamAssassin.splits(), List.of("ham", "spam"),
          SpamAssassin.checksum());
      case SENTIMENT -> new Fixed(name, DatasetSplits.byDomain(SentimentSentences.texts(),
          options.list("train"), options.list("test"), 0, "dataset '" + name + "'"),
          SentimentSentences.LABELS, SentimentSentences.checksum());
      default -> new TableDataset(name, location(options.source()), options);
    };
  }

  private static Path location(String source) {
    return source.startsWith("file:") ? Path.of(java.net.URI.create(source)) : Path.of(source);
  }

  /** A data set whose splits are computed when it is created. */
  private record Fixed(String name, DatasetSplits splits, List<String> labelNames,
      String checksum) implements Dataset {
  }
}
