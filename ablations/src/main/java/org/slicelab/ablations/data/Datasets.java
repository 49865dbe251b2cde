package org.slicelab.ablations.data;

import org.slicelab.ablations.model.Modality;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slicelab.ablations.data.image.ImageFolderDataset;
import org.slicelab.ablations.data.image.LabeledImage;
import org.slicelab.ablations.data.image.MnistFamily;

/**
 * Finds a {@link Dataset} by the value of the trial option {@code dataset} ({@link #HELP}).
 *
 * <p>Text: {@value #SPAM_ASSASSIN} (the default), {@value #SENTIMENT} (options {@code train}
 * and {@code test}: comma-separated sources amazon, imdb, yelp), or a table file or directory.
 * Images: {@value #MNIST}, {@value #FASHION_MNIST}, or an image folder. Any value containing
 * {@code /} is a path (or {@code file:} URI): a directory with at least one visible
 * subdirectory and no CSV/TSV/JSONL/Parquet file at its top level is an image folder
 * ({@link ImageFolderDataset}: one subdirectory per class, or {@code train/} and {@code test/}
 * with class subdirectories); anything else is a table ({@link TableDataset}, options in
 * {@link TableDataset#OPTIONS}). A directory that is neither is an error saying what each needs.
 * Options follow a {@code ?} as {@code key=value} pairs joined by {@code &}. Each data set is
 * read once per JVM.
 */
public final class Datasets {
  /** SpamAssassin spam vs ham (the default). */
  public static final String SPAM_ASSASSIN = "spam-assassin";
  /** UCI Sentiment Labelled Sentences. */
  public static final String SENTIMENT = "sentiment-sentences";
  /** MNIST handwritten digits (images). */
  public static final String MNIST = "mnist";
  /** Fashion-MNIST clothing images. */
  public static final String FASHION_MNIST = "fashion-mnist";

  /** Help text of the trial option {@code dataset}. */
  public static final String HELP = "labelled data set. Text: " + SPAM_ASSASSIN + ", "
      + SENTIMENT + " (options ?train=SOURCES&test=SOURCES, sources amazon, imdb, yelp), or a "
      + "CSV/TSV/JSONL/Parquet file or directory with options ?" + String.join("=..&",
      TableDataset.OPTIONS) + "=.. (columns; given splits from train.*/test.* files). Images: "
      + FASHION_MNIST + ", " + MNIST + ", or an image folder: a directory of class "
      + "subdirectories holding PNG/JPEG files, or with train/ and test/ each holding class "
      + "subdirectories (a directory with subdirectories and no table file at its top is an "
      + "image folder)";

  private static final Map<String, Dataset<?>> CACHE = new ConcurrentHashMap<>();

  private Datasets() {
  }

  /** The built-in names: text, then images. */
  public static List<String> builtInNames() {
    return List.of(SPAM_ASSASSIN, SENTIMENT, FASHION_MNIST, MNIST);
  }

  /**
   * The canonical form of a {@code dataset} value (options sorted by key), checked for syntax
   * and option names without reading any data (a path's directory listing decides whether it is
   * an image folder or a table).
   */
  public static String canonical(String value) {
    DatasetOptions options = DatasetOptions.parse(value);
    switch (options.source()) {
      case SPAM_ASSASSIN, MNIST, FASHION_MNIST -> options.check(List.of());
      case SENTIMENT -> options.check(List.of("train", "test"));
      default -> {
        if (!options.source().contains("/")) {
          throw DatasetOptions.invalid(value, "must be one of " + String.join(", ",
              builtInNames()) + ", an image folder, or the path of a CSV/TSV/JSONL/Parquet file "
              + "or directory (options after '?': " + String.join(", ", TableDataset.OPTIONS)
              + ")");
        }
        options.check(isImageFolder(location(options.source())) ? ImageFolderDataset.OPTIONS
            : TableDataset.OPTIONS);
      }
    }
    return options.canonical();
  }

  /** The data set for a {@code dataset} value, of any modality, read on first use. */
  public static Dataset<?> get(String value) {
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

  /**
   * A text data set.
   *
   * @throws IllegalArgumentException naming the option when {@code value} is not text
   */
  @SuppressWarnings("unchecked")
  public static Dataset<LabeledText> text(String value) {
    return (Dataset<LabeledText>) of(value, Modality.TEXT);
  }

  /**
   * An image data set.
   *
   * @throws IllegalArgumentException naming the option when {@code value} is not images
   */
  @SuppressWarnings("unchecked")
  public static Dataset<LabeledImage> images(String value) {
    return (Dataset<LabeledImage>) of(value, Modality.IMAGE);
  }

  private static Dataset<?> of(String value, Modality modality) {
    Dataset<?> dataset = get(value);
    if (dataset.modality() != modality) {
      String article = dataset.modality() == Modality.IMAGE ? "an " : "a ";
      throw DatasetOptions.invalid(value, "it is " + article + dataset.modality().label()
          + " data set; " + modality.label() + " is needed here");
    }
    return dataset;
  }

  private static Dataset<?> create(String name) {
    DatasetOptions options = DatasetOptions.parse(name);
    return switch (options.source()) {
      case SPAM_ASSASSIN -> new Fixed(name, SpamAssassin.splits(), List.of("ham", "spam"),
          SpamAssassin.checksum());
      case SENTIMENT -> new Fixed(name, DatasetSplits.byDomain(SentimentSentences.texts(),
          options.list("train"), options.list("test"), 0, "dataset '" + name + "'"),
          SentimentSentences.LABELS, SentimentSentences.checksum());
      case MNIST -> MnistFamily.mnist(name);
      case FASHION_MNIST -> MnistFamily.fashionMnist(name);
      default -> {
        Path location = location(options.source());
        yield isImageFolder(location) ? new ImageFolderDataset(name, location)
            : new TableDataset(name, location, options);
      }
    };
  }

  /** A directory with a visible subdirectory and no table file at its top level. */
  static boolean isImageFolder(Path location) {
    if (!ImageFolderDataset.hasSubdirectories(location)) {
      return false;
    }
    try (Stream<Path> files = Files.list(location)) {
      return files.filter(Files::isRegularFile).noneMatch(TableDataset::isTableFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location, e);
    }
  }

  private static Path location(String source) {
    return source.startsWith("file:") ? Path.of(java.net.URI.create(source)) : Path.of(source);
  }

  /** A text data set whose splits are computed when it is created. */
  private record Fixed(String name, DatasetSplits<LabeledText> splits, List<String> labelNames,
      String checksum) implements Dataset<LabeledText> {
    @Override
    public Modality modality() {
      return Modality.TEXT;
    }
  }
}
