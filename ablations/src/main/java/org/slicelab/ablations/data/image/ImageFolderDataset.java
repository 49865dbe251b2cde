package org.slicelab.ablations.data.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slicelab.ablations.cache.Checksums;
import org.slicelab.ablations.data.DatasetSplits;
import org.slicelab.ablations.data.PreparedDataset;
import org.slicelab.ablations.model.Modality;

/**
 * A user's own image folder: one subdirectory per class holding PNG or JPEG files (at any depth
 * below it), or {@code train/} and {@code test/} (and optionally {@code validation/} or
 * {@code val/}) each holding the class subdirectories. Classes are numbered in sorted order of
 * their directory names (those of train). A flat folder is split 60/20/20, stratified, with seed
 * 0; with given splits and no validation folder, 20% of train is held out for validation
 * (stratified, seed 0). Example ids are paths relative to the folder ({@code cat/001.png},
 * {@code test/dog/7.jpg}); an example's group is its split directory (empty when flat).
 *
 * <p>Every file is checked when the data set is created, before any work: it must have an
 * allowed extension ({@link #EXTENSIONS}), be non-empty and have a readable PNG/JPEG header;
 * hidden files and directories (names starting with {@code .}) are skipped, and other files at
 * the folder's top level are ignored. A class directory without images, a single class, or a
 * test class that train lacks is an error. The checksum covers every image's path and bytes.
 */
public final class ImageFolderDataset extends PreparedDataset<LabeledImage> {
  /** Allowed image file extensions (lower case; matched case-insensitively). */
  public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg");
  /** The {@code dataset} option keys an image folder takes (none). */
  public static final List<String> OPTIONS = List.of();
  /** Seed of the fixed splits. */
  public static final long SPLIT_SEED = 0L;
  /** Names of split directories at the top of a folder with given splits. */
  public static final List<String> SPLIT_DIRECTORIES = List.of("train", "validation", "val",
      "test");

  private static final Set<String> FORMATS = Set.of("png", "jpeg");

  /**
   * Scans and checks the folder {@code root}.
   *
   * @throws IllegalArgumentException naming the folder, directory or file at fault
   */
  public ImageFolderDataset(String name, Path root) {
    super(name, Modality.IMAGE, read(root));
  }

  private static Contents<LabeledImage> read(Path root) {
    String what = "image folder " + root;
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(what + " is not a directory");
    }
    Map<String, Map<String, List<Path>>> parts = new LinkedHashMap<>();
    List<String> splitDirs = splitDirectories(root, what);
    if (splitDirs.isEmpty()) {
      parts.put("", classes(root, what));
    } else {
      for (String dir : splitDirs) {
        parts.put(dir, classes(root.resolve(dir), what));
      }
    }
    String trainPart = splitDirs.isEmpty() ? "" : "train";
    Set<String> trainClasses = parts.get(trainPart).keySet();
    for (Map.Entry<String, Map<String, List<Path>>> part : parts.entrySet()) {
      for (String c : part.getValue().keySet()) {
        if (!trainClasses.contains(c)) {
          throw new IllegalArgumentException(what + ": " + part.getKey() + "/ has class '" + c
              + "' that train/ lacks; train/ has " + trainClasses);
        }
      }
    }
    if (trainClasses.size() < 2) {
      throw new IllegalArgumentException(what + " has a single class " + trainClasses
          + "; at least two class subdirectories are needed");
    }
    List<String> labelNames = List.copyOf(trainClasses);
    MessageDigest digest = Checksums.newDigest();
    Map<String, List<LabeledImage>> images = new LinkedHashMap<>();
    parts.forEach((part, classes) -> images.put(part,
        examples(root, part, classes, labelNames, digest)));
    String checksum = HexFormat.of().formatHex(digest.digest());
    DatasetSplits<LabeledImage> splits;
    if (splitDirs.isEmpty()) {
      splits = DatasetSplits.stratified(images.get(""), DatasetSplits.VAL_FRACTION,
          DatasetSplits.TEST_FRACTION, SPLIT_SEED);
    } else if (splitDirs.size() == 3) {
      splits = new DatasetSplits<>(images.get("train"), images.get(splitDirs.get(1)),
          images.get("test"));
    } else {
      DatasetSplits<LabeledImage> held = DatasetSplits.stratified(images.get("train"),
          DatasetSplits.VAL_FRACTION, 0, SPLIT_SEED);
      splits = new DatasetSplits<>(held.train(), held.validation(), images.get("test"));
    }
    return new Contents<>(splits, labelNames, checksum);
  }

  /**
   * The checked images of one part (split directory), class by class, each file's id and
   * SHA-256 added to {@code digest}.
   */
  private static List<LabeledImage> examples(Path root, String part,
      Map<String, List<Path>> classes, List<String> labelNames, MessageDigest digest) {
    List<LabeledImage> out = new ArrayList<>();
    for (Map.Entry<String, List<Path>> c : classes.entrySet()) {
      for (Path file : c.getValue()) {
        String id = root.relativize(file).toString().replace(file.getFileSystem()
            .getSeparator(), "/");
        String sha = checkImage(file);
        digest.update((id + " " + sha + "\n").getBytes(StandardCharsets.UTF_8));
        out.add(new LabeledImage(id, part, labelNames.indexOf(c.getKey()),
            new ImageFile(file.toAbsolutePath().toString())));
      }
    }
    return out;
  }

  /**
   * The split directories in the order train, validation (if any), test, when every visible
   * subdirectory of {@code root} is one of {@link #SPLIT_DIRECTORIES} and there are two or more;
   * else empty (a flat folder of classes).
   */
  private static List<String> splitDirectories(Path root, String what) {
    List<String> names = subdirectories(root).stream().map(p -> p.getFileName().toString())
        .toList();
    if (names.size() < 2 || !SPLIT_DIRECTORIES.containsAll(names)) {
      return List.of();
    }
    List<String> validation = names.stream().filter(n -> n.startsWith("val")).toList();
    if (!names.contains("train") || !names.contains("test") || validation.size() > 1) {
      throw new IllegalArgumentException(what + " has split directories " + names
          + "; it needs train/ and test/, and at most one of validation/ or val/");
    }
    List<String> order = new ArrayList<>(List.of("train"));
    order.addAll(validation);
    order.add("test");
    return order;
  }

  /**
   * Whether {@code location} is laid out as an image folder: a directory with at least one
   * visible subdirectory (the caller first rules out table files at its top level).
   */
  public static boolean hasSubdirectories(Path location) {
    return Files.isDirectory(location) && !subdirectories(location).isEmpty();
  }

  /** Class name to its image files (sorted), for the class subdirectories of {@code dir}. */
  private static Map<String, List<Path>> classes(Path dir, String what) {
    Map<String, List<Path>> classes = new TreeMap<>();
    for (Path file : visibleFiles(dir, 1)) {
      if (isImageName(file)) {
        throw new IllegalArgumentException(what + ": " + file + " is not inside a class "
            + "subdirectory; put each image in the subdirectory named after its class");
      }
    }
    for (Path classDir : subdirectories(dir)) {
      List<Path> files = visibleFiles(classDir, Integer.MAX_VALUE);
      for (Path file : files) {
        if (!isImageName(file)) {
          throw new IllegalArgumentException(what + ": " + file + " is not an image file; "
              + "allowed: " + String.join(", ", EXTENSIONS.stream().map(e -> "." + e)
              .toList()) + " (hidden files are skipped)");
        }
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(what + ": class directory " + classDir
            + " holds no image (allowed: " + String.join(", ", EXTENSIONS) + ")");
      }
      classes.put(classDir.getFileName().toString(), files);
    }
    if (classes.isEmpty()) {
      throw new IllegalArgumentException(what + ": " + dir + " has no class subdirectory");
    }
    return classes;
  }

  /**
   * Reads {@code file}, checks that it is a non-empty PNG or JPEG whose header decodes, and
   * returns its SHA-256.
   */
  private static String checkImage(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("image " + file + " cannot be read (" + e + ")", e);
    }
    String problem = bytes.length == 0 ? "is empty (0 bytes)" : headerProblem(bytes);
    if (problem != null) {
      throw new IllegalArgumentException("image " + file + " " + problem);
    }
    return HexFormat.of().formatHex(Checksums.newDigest().digest(bytes));
  }

  /** Null when {@code bytes} start with a PNG or JPEG header giving a size, else why not. */
  private static String headerProblem(byte[] bytes) {
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return "is not a PNG or JPEG image";
      }
      ImageReader reader = readers.next();
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
          return "is not a PNG or JPEG image (it is " + format + ")";
        }
        reader.setInput(in, true, true);
        return reader.getWidth(0) > 0 && reader.getHeight(0) > 0 ? null : "has no pixels";
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return "is unreadable (" + e.getMessage() + ")";
    }
  }

  private static boolean isImageName(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return EXTENSIONS.contains(n.substring(n.lastIndexOf('.') + 1));
  }

  private static List<Path> subdirectories(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Regular files below {@code dir} up to {@code depth}, skipping hidden names; sorted. */
  private static List<Path> visibleFiles(Path dir, int depth) {
    try (Stream<Path> walk = Files.walk(dir, depth)) {
      return walk.filter(Files::isRegularFile).filter(p -> !hiddenBelow(dir, p)).sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static boolean hiddenBelow(Path dir, Path file) {
    for (Path part : dir.relativize(file)) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }
}
