package org.slicelab.ablations.backbone.vision;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slicelab.ablations.cache.ArtifactCache;
import org.slicelab.ablations.cache.AtomicFiles;
import org.slicelab.ablations.cache.CacheDirs;
import org.slicelab.ablations.cache.Checksums;
import org.slicelab.ablations.data.NpmPackage;

/**
 * The pretrained CNNs of the npm package {@value #SPEC} (MIT), in TF.js layers format in the
 * cache. The package is fetched once with {@code npm pack} and checked against pinned checksums
 * ({@link NpmPackage}); each model's {@code .min.js} modules are converted once by
 * {@code nsfwjs-to-layers.js} (run with {@code node}) into
 * {@code <cache>/backbone/nsfwjs-4.4.0/<model>-<hash>/model.json} and one binary shard.
 *
 * <p>The conversion is an {@link ArtifactCache} entry whose file is a receipt: the key (package,
 * model and the converter's SHA-256), the directory, and the SHA-256 of each file. A directory
 * whose files no longer match is converted again; one JVM or process converts at a time.
 */
public final class NsfwjsModels {
  /** The npm package spec (pinned: an unpinned {@code npm pack nsfwjs} gave 4.3.0). */
  public static final String SPEC = "nsfwjs@4.4.0";

  static final NpmPackage NPM = new NpmPackage(SPEC, "nsfwjs-4.4.0.tgz",
      "585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382",
      "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+"
          + "MA==", "nsfwjs pretrained CNN");

  private static final String CONVERTER = "nsfwjs-to-layers.js";
  private static final long NODE_TIMEOUT_MINUTES = 10;
  static final ArtifactCache<Path> CONVERTED = new ArtifactCache<>("backbone",
      "nsfwjs-4.4.0", ".receipt", new Receipt());

  private NsfwjsModels() {
  }

  /**
   * The converted {@code model.json} of {@code model} ({@code mobilenet_v2},
   * {@code mobilenet_v2_mid} or {@code inception_v3}), fetching and converting once.
   */
  public static Path modelJson(String model) {
    String key = SPEC + " " + model + " " + CONVERTER + " " + DigestUtils.sha256Hex(converter());
    return CONVERTED.obtain(key, () -> convert(model, key));
  }

  private static byte[] converter() {
    try (InputStream in = NsfwjsModels.class.getResourceAsStream(CONVERTER)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + CONVERTER + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path convert(String model, String key) {
    Path tgz = NPM.ensure(CacheDirs.dir("data"), "npm");
    Path root = CacheDirs.dir("backbone").resolve("nsfwjs-4.4.0");
    Path work = null;
    try {
      Files.createDirectories(root);
      work = Files.createTempDirectory(root, "." + model + "-");
      Path in = Files.createDirectories(work.resolve("in"));
      extract(tgz, "package/dist/models/" + model + "/", in);
      Path script = work.resolve(CONVERTER);
      Files.write(script, converter());
      Path out = work.resolve("out");
      runNode(List.of("node", script.toString(), in.toString(), out.toString()),
          work.resolve("node.log"), model);
      Path target = root.resolve(model + "-" + DigestUtils.sha256Hex(key).substring(0, 12));
      deleteTree(target);
      AtomicFiles.replace(out, target);
      return target.resolve("model.json");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot convert nsfwjs model " + model + " in " + root, e);
    } finally {
      deleteTree(work);
    }
  }

  private static void extract(Path tgz, String prefix, Path into) throws IOException {
    int files = 0;
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String rest = e.getName().startsWith(prefix) ? e.getName().substring(prefix.length()) : "";
        if (e.isFile() && !rest.isEmpty() && !rest.contains("/")) {
          Files.copy(tar, into.resolve(rest));
          files++;
        }
      }
    }
    if (files == 0) {
      throw new IllegalStateException(tgz + " has no files under " + prefix);
    }
  }

  private static void runNode(List<String> command, Path log, String model) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run node (" + e.getMessage() + "): Node.js converts "
          + "the nsfwjs model " + model + " once into the cache; install it (npm needs it too)", e);
    }
    try {
      if (!process.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("converting nsfwjs model " + model + " took over "
            + NODE_TIMEOUT_MINUTES + " minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while converting " + model, e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("converting nsfwjs model " + model + " failed (node exit "
          + process.exitValue() + "): " + Files.readString(log, StandardCharsets.UTF_8).strip());
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  /**
   * The cache file: the key, the converted {@code model.json}, then "sha256 file name" for every
   * file of its directory; read back only when every file still has its checksum.
   */
  private static final class Receipt implements ArtifactCache.Format<Path> {
    @Override
    public void write(String key, Path modelJson, OutputStream out) throws IOException {
      StringBuilder text = new StringBuilder(key).append('\n').append(modelJson).append('\n');
      try (var files = Files.list(modelJson.getParent())) {
        for (Path file : files.sorted().toList()) {
          text.append(Checksums.sha256(file)).append(' ').append(file.getFileName()).append('\n');
        }
      }
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Path read(String key, InputStream in) throws IOException {
      List<String> lines = new ArrayList<>(List.of(new String(in.readAllBytes(),
          StandardCharsets.UTF_8).split("\n")));
      if (lines.size() < 3 || !lines.get(0).equals(key)) {
        return null;
      }
      Path modelJson = Path.of(lines.get(1));
      for (String line : lines.subList(2, lines.size())) {
        int space = line.indexOf(' ');
        Path file = modelJson.resolveSibling(line.substring(space + 1));
        if (!Files.isRegularFile(file) || !Checksums.sha256(file).equals(line.substring(0,
            space))) {
          return null;
        }
      }
      return modelJson;
    }
  }
}
