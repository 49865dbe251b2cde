package org.slicelab.ablations.backbone;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns texts into fixed-width BERT inputs with a Hugging Face {@code tokenizer.json} (DJL's
 * Rust tokenizers binding): special tokens added, truncated and padded to {@code maxLength}.
 *
 * <p>Loaded from a local file only ({@code HuggingFaceTokenizer.newInstance(Path, Map)}); the
 * name-based factory would try to download. Thread safety: DJL does not document its tokenizer
 * as thread-safe. In DJL 0.32 encoding only reads the native tokenizer, but {@link #close()}
 * frees it, so {@link #encode} and {@link #close} are synchronized: safe to share between
 * threads, at the cost of serializing tokenization (about a millisecond per batch). Texts are
 * encoded one at a time, which keeps the Rust side off its own thread pool.
 */
public final class TextTokenizer implements Closeable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;
  private boolean closed;

  /**
   * Token ids, attention mask and token type ids of a batch, each {@code [batch][maxLength]}.
   *
   * @param inputIds      vocabulary ids: [CLS] ... [SEP] then the padding id
   * @param attentionMask 1 for real tokens (special ones included), 0 for padding
   * @param tokenTypeIds  segment ids (all 0 for single sentences)
   */
  public record Encoded(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
    /** The number of texts. */
    public int batchSize() {
      return inputIds.length;
    }

    /** The number of real (non-padding) tokens of text {@code i}. */
    public int length(int i) {
      int n = 0;
      for (long m : attentionMask[i]) {
        n += (int) m;
      }
      return n;
    }
  }

  /**
   * Loads a tokenizer from a {@code tokenizer.json}.
   *
   * @param tokenizerJson the Hugging Face tokenizer file
   * @param maxLength     sequence width: longer texts are truncated, shorter ones padded
   */
  public TextTokenizer(Path tokenizerJson, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must leave room for [CLS] and [SEP]: "
          + maxLength);
    }
    this.maxLength = maxLength;
    this.padId = padId(tokenizerJson);
    try {
      this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
          "maxLength", Integer.toString(maxLength),
          "padding", "max_length",
          "truncation", "true"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson, e);
    }
  }

  /** The all-MiniLM-L6-v2 tokenizer, extracted by {@link PretrainedFiles#miniLm()}. */
  public static TextTokenizer miniLm(int maxLength) {
    return new TextTokenizer(PretrainedFiles.miniLm().tokenizerPath(), maxLength);
  }

  /** The sequence width of every encoding. */
  public int maxLength() {
    return maxLength;
  }

  /** Encodes a batch of texts, each to exactly {@link #maxLength()} positions. */
  public synchronized Encoded encode(List<String> texts) {
    if (closed) {
      throw new IllegalStateException("tokenizer is closed");
    }
    int n = texts.size();
    long[][] ids = new long[n][];
    long[][] mask = new long[n][];
    long[][] types = new long[n][];
    for (int i = 0; i < n; i++) {
      Encoding encoding = tokenizer.encode(texts.get(i));
      ids[i] = fixedWidth(encoding.getIds(), i);
      mask[i] = fixedWidth(encoding.getAttentionMask(), i);
      for (int t = 0; t < maxLength; t++) {
        if (mask[i][t] == 0) {
          ids[i][t] = padId; // DJL pads with id 0 whatever the model's padding token is
        }
      }
      types[i] = fixedWidth(encoding.getTypeIds(), i);
    }
    return new Encoded(ids, mask, types);
  }

  /** The padding id: the file's padding setting, else its [PAD] or &lt;pad&gt; token, else 0. */
  static long padId(Path tokenizerJson) {
    try {
      JsonNode root = new ObjectMapper().readTree(tokenizerJson.toFile());
      JsonNode padding = root.path("padding").path("pad_id");
      if (padding.canConvertToLong()) {
        return padding.asLong();
      }
      for (JsonNode token : root.path("added_tokens")) {
        String content = token.path("content").asText();
        if (content.equals("[PAD]") || content.equals("<pad>")) {
          return token.path("id").asLong();
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson, e);
    }
  }

  private long[] fixedWidth(long[] row, int index) {
    if (row.length != maxLength) {
      throw new IllegalStateException("tokenizer returned " + row.length + " positions for text "
          + index + ", expected " + maxLength + " (padding/truncation not applied?)");
    }
    return row;
  }

  /** Frees the native tokenizer. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      tokenizer.close();
    }
  }
}
