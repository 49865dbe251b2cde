package org.slicelab.ablations.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slicelab.ablations.cache.AtomicFiles;
import org.slicelab.ablations.cache.CacheDirs;

/**
 * Lets DJL use the CUDA natives of the {@code gpu} build on a node that has a GPU driver but no
 * CUDA runtime of its own (or an older one).
 *
 * <p>DJL 0.32 picks the PyTorch natives by the CUDA runtime it finds on the node: it loads
 * {@code libcudart} through JNA and uses a {@code cuXYZ} natives jar only when that runtime is
 * version XY.Z or newer. Without one it takes the node for CPU-only, ignores the CUDA natives on
 * the classpath and tries a download, which offline mode forbids, so the engine fails to load.
 * Yet the natives jar bundles its own runtime ({@code libcudart-<hash>.so.12}, listed in its
 * {@code native/lib/pytorch.properties}); only the driver ({@code libcuda.so.1}) must come from
 * the node. {@link #exposeBundled()} extracts that runtime into the cache and puts its directory
 * first on {@code jna.library.path}, so DJL finds exactly the runtime its natives were built with.
 * It must run before anything touches the engine in the JVM (the runtime is looked up once, when
 * DJL's {@code CudaUtils} is first used); {@code Autograd} and the command line call it. With the
 * CPU build (no {@code cu} natives on the classpath) it does nothing.
 */
public final class CudaRuntime {
  /** The system property JNA searches first. */
  static final String JNA_PATH = "jna.library.path";
  private static final String PROPERTIES = "native/lib/pytorch.properties";
  private static Optional<Path> exposed;

  private CudaRuntime() {
  }

  /**
   * Exposes the CUDA runtime bundled with the PyTorch natives on the classpath, once per JVM;
   * returns its directory, or empty for CPU natives. A failure is a warning on stderr, not an
   * error: DJL then looks for the node's own runtime, as without this class.
   */
  public static synchronized Optional<Path> exposeBundled() {
    if (exposed == null) {
      try {
        exposed = expose(CudaRuntime.class.getClassLoader(),
            CacheDirs.root().resolve("cuda-runtime"));
      } catch (RuntimeException e) {
        System.err.println("[slicelab] warning: cannot expose the CUDA runtime bundled with the "
            + "PyTorch natives (" + e.getMessage() + "); DJL looks for the node's own");
        exposed = Optional.empty();
      }
    }
    return exposed;
  }

  /**
   * Finds the first {@code cu} natives described on {@code loader}'s classpath, extracts their
   * {@code libcudart} into {@code cacheRoot/<version>-<flavor>-<classifier>-<runtime file>/}
   * {@code libcudart.so} (once, atomically, readable by all: a cache may be shared by users and
   * machines) and prepends that directory to {@code jna.library.path}.
   */
  static Optional<Path> expose(ClassLoader loader, Path cacheRoot) {
    try {
      for (URL url : Collections.list(loader.getResources(PROPERTIES))) {
        Properties natives = new Properties();
        try (InputStream in = url.openStream()) {
          natives.load(in);
        }
        String flavor = natives.getProperty("flavor", "");
        if (!flavor.startsWith("cu")) {
          continue;
        }
        String runtime = Arrays.stream(natives.getProperty("libraries", "").split(","))
            .map(String::trim).filter(name -> name.startsWith("libcudart")).findFirst()
            .orElseThrow(() -> new IllegalStateException("the " + flavor + " PyTorch natives "
                + "(" + url + ") list no libcudart in 'libraries'"));
        String resource = "pytorch/" + flavor + "/" + natives.getProperty("classifier") + "/"
            + runtime;
        Path dir = cacheRoot.resolve(natives.getProperty("version", "unknown") + "-" + flavor
            + "-" + natives.getProperty("classifier") + "-" + runtime);
        Path library = dir.resolve("libcudart.so");
        if (!Files.exists(library)) {
          extract(loader, resource, library);
        }
        prependToJnaPath(dir);
        return Optional.of(dir);
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot expose the CUDA runtime of the PyTorch natives", e);
    }
  }

  private static void extract(ClassLoader loader, String resource, Path library)
      throws IOException {
    Files.createDirectories(library.getParent());
    Path partial = Files.createTempFile(library.getParent(), "libcudart", ".part");
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the PyTorch natives list " + resource
            + " but the classpath does not hold it (a broken natives jar?)");
      }
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      if (Files.getFileStore(partial).supportsFileAttributeView("posix")) {
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
      }
      AtomicFiles.replace(partial, library);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private static void prependToJnaPath(Path dir) {
    List<String> entries = new ArrayList<>();
    entries.add(dir.toString());
    String current = System.getProperty(JNA_PATH);
    if (current != null && !current.isBlank()) {
      for (String entry : current.split(java.io.File.pathSeparator)) {
        if (!entry.equals(dir.toString())) {
          entries.add(entry);
        }
      }
    }
    System.setProperty(JNA_PATH, String.join(java.io.File.pathSeparator, entries));
  }
}
