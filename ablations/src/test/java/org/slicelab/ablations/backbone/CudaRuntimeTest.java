package org.slicelab.ablations.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exposing the CUDA runtime bundled with CUDA natives: natives jars laid out as DJL's (a
 * {@code native/lib/pytorch.properties} listing the libraries under
 * {@code pytorch/<flavor>/<classifier>/}), a CPU one skipped, the runtime extracted once into
 * the cache and put first on {@code jna.library.path}, a jar that lists a runtime it lacks
 * refused. (With the real cu124 jar DJL then reports CUDA 12.4 on a machine whose own runtime is
 * 13.0: docs/gpu.md.)
 */
class CudaRuntimeTest {
  private static final byte[] RUNTIME = "not a real libcudart".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;
  private String jnaPath;

  @BeforeEach
  void keepJnaPath() {
    jnaPath = System.getProperty(CudaRuntime.JNA_PATH);
    System.setProperty(CudaRuntime.JNA_PATH, "/opt/user/lib");
  }

  @AfterEach
  void restoreJnaPath() {
    if (jnaPath == null) {
      System.clearProperty(CudaRuntime.JNA_PATH);
    } else {
      System.setProperty(CudaRuntime.JNA_PATH, jnaPath);
    }
  }

  private Path nativesJar(String name, String flavor, Map<String, byte[]> libraries)
      throws IOException {
    Path jar = dir.resolve(name);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("native/lib/pytorch.properties"));
      String listed = String.join(",", libraries.keySet().stream().sorted().toList());
      zip.write(("version=2.5.1-20241113\nflavor=" + flavor + "\nclassifier=linux-x86_64\n"
          + "libraries=libc10.so," + listed + "\n").getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> library : libraries.entrySet()) {
        if (library.getValue() != null) {
          zip.putNextEntry(new ZipEntry("pytorch/" + flavor + "/linux-x86_64/"
              + library.getKey()));
          zip.write(library.getValue());
        }
      }
    }
    return jar;
  }

  private static URLClassLoader loader(Path... jars) throws IOException {
    URL[] urls = new URL[jars.length];
    for (int i = 0; i < jars.length; i++) {
      urls[i] = jars[i].toUri().toURL();
    }
    return new URLClassLoader(urls, null);
  }

  @Test
  void theCudaNativesRuntimeGoesFirstOnJnaPath() throws IOException {
    Path cpu = nativesJar("cpu.jar", "cpu", Map.of("libtorch.so", new byte[1]));
    Path cuda = nativesJar("cu124.jar", "cu124", Map.of("libcudart-8774224f.so.12", RUNTIME));
    Path cache = dir.resolve("cache");
    try (URLClassLoader loader = loader(cpu, cuda)) {
      Optional<Path> exposed = CudaRuntime.expose(loader, cache);
      Path expected = cache.resolve("2.5.1-20241113-cu124-linux-x86_64-libcudart-8774224f.so.12");
      assertEquals(Optional.of(expected), exposed);
      assertArrayEquals(RUNTIME, Files.readAllBytes(expected.resolve("libcudart.so")));
      assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(expected.resolve("libcudart.so"))), "readable by all");
      assertEquals(expected + java.io.File.pathSeparator + "/opt/user/lib",
          System.getProperty(CudaRuntime.JNA_PATH));

      // a second JVM finds the file in the cache and does not extract it again
      Files.writeString(expected.resolve("libcudart.so"), "kept");
      CudaRuntime.expose(loader, cache);
      assertEquals("kept", Files.readString(expected.resolve("libcudart.so")));
      assertEquals(expected + java.io.File.pathSeparator + "/opt/user/lib",
          System.getProperty(CudaRuntime.JNA_PATH), "listed once");
    }
  }

  @Test
  void cpuNativesChangeNothing() throws IOException {
    Path cpu = nativesJar("cpu.jar", "cpu", Map.of("libtorch.so", new byte[1]));
    try (URLClassLoader loader = loader(cpu)) {
      assertEquals(Optional.empty(), CudaRuntime.expose(loader, dir.resolve("cache")));
    }
    assertEquals("/opt/user/lib", System.getProperty(CudaRuntime.JNA_PATH));
    assertFalse(Files.exists(dir.resolve("cache")), "nothing extracted");
  }

  @Test
  void aJarThatListsARuntimeItLacksIsRefused() throws IOException {
    java.util.HashMap<String, byte[]> listedOnly = new java.util.HashMap<>();
    listedOnly.put("libcudart-0000.so.12", null);
    Path broken = nativesJar("broken.jar", "cu124", listedOnly);
    try (URLClassLoader loader = loader(broken)) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> CudaRuntime.expose(loader, dir.resolve("cache")));
      assertTrue(e.getMessage().contains("pytorch/cu124/linux-x86_64/libcudart-0000.so.12"),
          e.getMessage());
    }
    assertEquals("/opt/user/lib", System.getProperty(CudaRuntime.JNA_PATH));
  }
}
